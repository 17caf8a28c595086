"""A toy backend, grader and benchmark, each one module, registered from inside a test
(tests/test_extension_points.py): the shape a new contributor's addition takes."""
