# The two commands of a fresh clone: `make demo` and `make test`. Both create .venv when it is
# missing and install the pinned dependencies of requirements.lock (hash-checked), then the
# project itself in editable mode; the install is redone only when the lock or pyproject change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint format bench install lock clean

install: $(INSTALLED)

$(INSTALLED): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

demo: $(INSTALLED)
	$(BIN)/python -m examples.demo

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks live in benchmarks/ (`python -m benchmarks`), e.g. `make bench BENCH_ARGS=--quick`.
bench: $(INSTALLED)
	@if [ -f benchmarks/__main__.py ]; then $(BIN)/python -m benchmarks $(BENCH_ARGS); \
	else echo "no benchmarks yet (benchmarks/__main__.py)"; fi

# Re-pin after changing dependencies in pyproject.toml. uv (installed from PyPI into a throwaway
# venv) keeps the versions the lock already has unless a change needs others; hashes cover every
# platform's files, so the lock installs on any machine with Python 3.11.
lock:
	rm -rf .lock-tools && $(PYTHON) -m venv .lock-tools && .lock-tools/bin/pip install --quiet uv
	.lock-tools/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes --no-header -o requirements.lock
	rm -rf .lock-tools

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .temporal
