# The README's two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint stress samples clean

$(BIN)/casetui: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/casetui

demo: $(BIN)/casetui
	$(BIN)/casetui demo

test: $(BIN)/casetui
	$(BIN)/pytest -q

lint: $(BIN)/casetui
	$(BIN)/ruff check casetui tests benchmarks scripts
	$(BIN)/ruff format --check casetui tests benchmarks scripts

stress: $(BIN)/casetui
	$(BIN)/pytest -q -m slow

samples: $(BIN)/casetui
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) build dist *.egg-info
