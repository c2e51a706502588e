# The whole interface of the repo: make run, make test, make lint, make bench
# (production: make serve, make wheelhouse; see the README's deployment section).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
export ZHIYUAN_DATA_DIR ?= $(CURDIR)/var

.PHONY: run serve wheelhouse test lint format bench install messages clean

$(BIN)/zhiyuan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/zhiyuan

## Migrate the SQLite database, load the demo district if it is empty, serve on $(HOST)
## with a background worker for notifications beside it.
run: install
	ZHIYUAN_DEBUG=1 $(BIN)/zhiyuan migrate --no-input -v0
	ZHIYUAN_DEBUG=1 $(BIN)/zhiyuan demo --if-empty
	ZHIYUAN_DEBUG=1 $(BIN)/zhiyuan worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	ZHIYUAN_DEBUG=1 $(BIN)/zhiyuan runserver $(HOST)

## Production on this machine: migrate, collect the static files, then gunicorn and the task
## worker (`zhiyuan serve`). Needs ZHIYUAN_SECRET_KEY and ZHIYUAN_FIELD_KEY in the environment.
serve: install
	$(BIN)/zhiyuan migrate --no-input -v0
	$(BIN)/zhiyuan collectstatic --no-input -v0
	$(BIN)/zhiyuan serve

## Every wheel the platform needs, for hosts without internet: copy wheelhouse/ and install with
## `pip install --no-index --find-links wheelhouse/ zhiyuan`.
wheelhouse:
	rm -rf wheelhouse
	$(PYTHON) -m pip wheel --quiet --wheel-dir wheelhouse .

## The whole suite: unit, API and browser tests (set DATABASE_URL for PostgreSQL), one
## process per core (pytest-xdist; TEST_WORKERS=0 runs it in this process). Tests go out one
## by one in the order pytest-django sorts them (the ones that empty the database last, as
## the data that migrations write is gone after them); the deploy test's files stay on one
## worker (loadgroup, xdist_group): its one topology is never started twice at once.
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=src $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/run.py

messages: install
	cd src/zhiyuan && ../../$(BIN)/zhiyuan makemessages -l zh_Hans --no-location --no-obsolete -i "tests/*"
	cd src/zhiyuan && ../../$(BIN)/zhiyuan compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var wheelhouse
