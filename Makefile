# edugov: the two commands of the README, and the ones developers use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install assets serve clean typecheck soak spark-cluster spark-stop

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) assets

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.package-lock.json

## make demo: install, build the demo district on SQLite, serve it on http://127.0.0.1:8000 as production
## does (gunicorn with DEBUG off, the task worker and the scheduler: see docs/operations.md)
demo: install
	$(BIN)/edugov migrate --noinput
	$(BIN)/edugov demo --seed 1 --if-empty
	$(BIN)/edugov serve_demo --port 8000

## make test: every test (lint, types and the layering contract included); DATABASE_URL selects PostgreSQL
test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src/edugov
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -p no:cacheprovider -n 2 --dist loadfile

## make soak: the reliability suite at full length (50+ faults per kind and database, long fuzzing)
soak: install
	EDUGOV_SOAK=1 $(BIN)/pytest -p no:cacheprovider tests/reliability -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/edugov
	$(BIN)/lint-imports --no-cache

bench: install
	$(BIN)/python -m bench

## make spark-cluster: a standalone Spark master (127.0.0.1:7077) and two workers from the installed pyspark
## package's own scripts; then EDUGOV_SPARK_MASTER=spark://127.0.0.1:7077 (docs/scaling.md). make spark-stop
spark-cluster: $(STAMP)
	$(BIN)/python -m edugov.warehouse.spark_cluster start --port 7077 --workers 2

spark-stop:
	$(BIN)/python -m edugov.warehouse.spark_cluster stop --port 7077 --workers 2

clean:
	rm -rf $(VENV) node_modules var
