# One entry point for humans and CI. Every target installs what it needs,
# idempotently, into .venv/ and node_modules/ (re-run only when pins change).
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
ENVIRONMENTS := dev staging prod
# Node 22 from node_modules first: the machine's Node 20 is end-of-life for jsii.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: setup synth test lint format update-snapshots clean local

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements.txt requirements-dev.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: setup
	@for env in $(ENVIRONMENTS); do \
	  echo "synth $$env -> cdk.out.$$env"; \
	  cdk synth --quiet --context env=$$env --output cdk.out.$$env || exit 1; \
	done

test: setup
	$(PYTHON) -m pytest

lint: setup
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

format: setup
	$(PYTHON) -m ruff format .
	$(PYTHON) -m ruff check --fix .

update-snapshots: setup
	$(PYTHON) -m pytest tests/test_snapshots.py --snapshot-update

# DynamoDB Local on 127.0.0.1:8000 with the dev tables and sample data (see README).
local: setup
	$(PYTHON) -m ddbctl local up

clean:
	rm -rf cdk.out cdk.out.* .pytest_cache
