"""`python -m tunegap.cli ...`: the same as the `tunegap` console script."""

from tunegap.cli import main

if __name__ == "__main__":
    main()
