# Two commands on a fresh machine: `make run` and `make test`. Both install everything first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark

.PHONY: run test install install-spark lint typecheck unit vignettes bench clean

$(STAMP): pyproject.toml debian-packages.txt scripts/fetch-fhir-packages.sh
	bash scripts/system-deps.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@# editable installs would recompile src/ on every start (PYTHONDONTWRITEBYTECODE is set here): precompile once
	$(BIN)/python -m compileall -q src
	bash scripts/fetch-fhir-packages.sh $(VENV)/share/fhir
	touch $(STAMP)

install: $(STAMP)

# the optional Spark extra (pyspark, 456 MB; docs/spark.md): `make test` needs it, `make run` does not
$(SPARK_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,spark]"
	touch $(SPARK_STAMP)

install-spark: $(SPARK_STAMP)

## run: install everything and serve the web workspace on http://127.0.0.1:8000 with the demo cases and
## a printed demo login (SQLite file inside the venv; `oligoboard demo` still prints the CLI summary)
run: install
	$(BIN)/oligoboard serve --demo --db $(VENV)/demo-workspace.db

## test: install everything, then lint, type-check, unit tests and the public vignettes
test: install install-spark lint typecheck unit vignettes

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install-spark
	$(BIN)/mypy src tests

unit: install-spark
	$(BIN)/pytest

vignettes: install
	@if [ -d ../shared/vignettes ]; then \
		PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python ../shared/vignettes/check.py ../shared/vignettes --cmd "oligoboard assess --json"; \
	else echo "vignettes: SKIPPED — ../shared/vignettes not present (tests needing ../shared skip with a reason)"; fi

bench: install
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/single_case.py
	$(BIN)/python benchmarks/pyexec_speed.py
	$(BIN)/python benchmarks/web_load.py
	cd benchmarks && ../$(BIN)/python dvh_speed.py && ../$(BIN)/python dvh_accuracy.py && ../$(BIN)/python dvh_memory.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
