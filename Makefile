# Coordonare — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Eventlet warns at every import that it is in maintenance mode (see docs/adr).
export PYTHONWARNINGS := ignore::Warning:nameko.cli.commands,ignore::Warning:nameko.containers

.PHONY: run test lint bench setup infra web stores catalogue messages verify clean county-data parked replay-parked

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate pyproject.toml requirements.lock
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $@

infra:
	bash deploy/infra.sh

# the web app's front-end packages (htmx, axe-core), exactly as locked
WEB := gateway/web
$(WEB)/node_modules/.installed: $(WEB)/package-lock.json $(WEB)/package.json
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

web: infra $(WEB)/node_modules/.installed

stores: $(VENV)/.installed infra
	$(BIN)/python deploy/stack.py stores

setup: $(VENV)/.installed infra stores web

run: setup
	$(BIN)/python deploy/stack.py run

# the browser stories run in a pytest process of their own, unpatched by
# eventlet (tests/conftest.py); their county runs in a subprocess
test: setup lint
	$(BIN)/python -m pytest
	COORDONARE_BROWSER_TESTS=1 $(BIN)/python -m pytest --suppress-nameko-eventlet-notification

messages: $(VENV)/.installed
	$(BIN)/python -m gateway.web.messages

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python tests/bench/bench_event_log.py
	$(BIN)/python tests/bench/bench_coordination.py
	$(BIN)/python tests/bench/bench_cases.py
	$(BIN)/python tests/bench/bench_evaluations.py
	$(BIN)/python tests/bench/bench_notifications.py
	$(BIN)/python tests/bench/bench_gateway.py
	$(BIN)/python tests/bench/bench_web.py
	$(BIN)/python tests/bench/bench_scale.py
	$(BIN)/python tests/bench/bench_county.py
	$(BIN)/python tests/bench/bench_crash.py

# a county-scale data set (issue 17), built through the services into the
# empty stores $(COUNTY_PREFIX)_<service> (COUNTY_ARGS=--fresh drops them
# first); tests/bench/bench_county.py measures the services on it
COUNTY_PREFIX ?= county
COUNTY_ARGS ?=
county-data: $(VENV)/.installed infra
	$(BIN)/python -m deploy.county_data --prefix $(COUNTY_PREFIX) $(COUNTY_ARGS)

catalogue: $(VENV)/.installed
	$(BIN)/python -m events.vocabulary.schema > contracts/vocabulary.schema.json
	$(BIN)/python -m events.catalogue > docs/events.md
	$(BIN)/python -m events.error_codes > contracts/errors.json
	$(BIN)/python -m gateway.openapi > contracts/openapi.json
	$(BIN)/python -m events.broker > k8s/broker-accounts.yaml

# events the subscriptions set aside (events/parking.py), and their replay
parked: $(VENV)/.installed
	$(BIN)/python -W ignore -m deploy.parked

replay-parked: $(VENV)/.installed
	$(BIN)/python -W ignore -m deploy.parked --replay $(SUBSCRIPTION)

verify: $(VENV)/.installed
	$(BIN)/coordonare-verify --service $(SERVICE) --store $(STORE)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
