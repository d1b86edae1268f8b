# Two commands for a new user: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test test-llm bench eval ingest ui clean help

help:
	@echo "make run      set up .venv, ingest corpus/ (only what changed), open the chat on http://127.0.0.1:7860"
	@echo "make test     set up .venv and run the test suite (browser tests need Debian chromium + chromium-driver)"
	@echo "make eval     full evaluation with baselines over corpus/ and ../shared/reference, HTML report in data/eval/"
	@echo "make bench    ingest, answer and load benchmarks (printed tables)"
	@echo "make test-llm tests against a real local OpenAI-compatible model (MINAMATA_LLM_BASE_URL)"

# torch is installed first and pinned to the CPU wheel, so that nothing pulls a CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	@if $(BIN)/pip list 2>/dev/null | grep -qi '^nvidia-'; then \
		echo "error: CUDA (nvidia-*) packages landed in $(VENV); remove it and check the torch pin"; exit 1; fi
	touch $(STAMP)

ingest: $(STAMP)
	$(BIN)/minamata ingest corpus/

run: ingest
	$(BIN)/minamata ui --host 127.0.0.1

ui: $(STAMP)
	$(BIN)/minamata ui

# pytest exits 5 when it collected nothing: that is a broken suite, not a pass.
test: $(STAMP)
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests (is tests/ present?)"; exit 1; fi; exit $$rc

test-llm: $(STAMP)
	MINAMATA_REQUIRE_LLM=1 $(BIN)/python -m pytest -m llm -p no:cacheprovider $(PYTEST_ARGS)

eval: $(STAMP)
	$(BIN)/minamata eval --cases evals/cases/*.jsonl --corpus corpus/ ../shared/reference/minamata-convention.md ../shared/seed/ --baselines \
		--json data/eval/latest.json --report data/eval/report

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/answer.py
	$(BIN)/python bench/load.py

clean:
	rm -rf data/index .pytest_cache
