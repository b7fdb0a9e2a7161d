# The two commands a newcomer needs: `make serve` and `make test`. Everything else helps them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The dashboard's browser libraries (Chart.js, GraphiQL, React), pinned in package-lock.json.
VENDOR := hub/portal/static/vendor/.installed-stamp

.PHONY: serve test lint format schema schema-check migrate bench screenshots clean

$(STAMP): pyproject.toml | $(VENDOR)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## npm installs them into node_modules/; the hub serves its copies (no CDN, nothing at run time).
$(VENDOR): package.json package-lock.json hub/portal/vendor.py
	npm ci --no-audit --no-fund --loglevel=error
	$(PYTHON) -m hub.portal.vendor node_modules
	touch $(VENDOR)

## Build the venv, migrate SQLite, load the seed catalog and demo data, serve on 127.0.0.1:8000.
serve: $(STAMP)
	$(BIN)/hub migrate
	$(BIN)/hub catalog import
	$(BIN)/hub demo load
	$(BIN)/hub serve

## The whole suite (PostgreSQL tests run when HUB_TEST_POSTGRES_URL is set).
test: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Write schema.graphql from the code / fail when it drifts from the code.
schema: $(STAMP)
	$(BIN)/hub schema export --output schema.graphql

schema-check: $(STAMP)
	$(BIN)/hub schema check schema.graphql

migrate: $(STAMP)
	$(BIN)/hub migrate

## Benchmarks (figures, not pass/fail): the hub against the floor and PostGraphile, at 1 M
## observations by default; options in BENCH_ARGS (python -m bench --help), e.g.
## make bench BENCH_ARGS="--observations 1e6,1e7". Needs wrk (apt-get install wrk) and npm.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

## PNG screenshots of the dashboard pages into var/screenshots/ (needs Debian's chromium).
screenshots: $(STAMP)
	$(BIN)/python -m tests.browser.screenshots var/screenshots

clean:
	rm -rf $(VENV) var build *.egg-info node_modules hub/portal/static/vendor
