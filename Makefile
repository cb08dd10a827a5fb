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
# Scanners get their own venv: checkov pins an older boto3 and many other packages.
SCAN_VENV := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed

.PHONY: setup synth test lint format update-snapshots clean scan scan-setup bench-migrate local

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	# The project itself, editable: `.venv/bin/ddbctl` and `import cdk_constructs` from anywhere.
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SCAN_STAMP): requirements-scan.txt
	test -x $(SCAN_VENV)/bin/python || python3 -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-scan.txt
	touch $@

scan-setup: $(SCAN_STAMP)

synth: setup
	@for env in $(ENVIRONMENTS); do \
	  echo "synth $$env -> cdk.out.$$env"; \
	  cdk synth --quiet --context env=$$env --output cdk.out.$$env || exit 1; \
	done

# The scan runs after the tests so CI enforces it; scan-setup comes first so the
# scanner self-tests in tests/test_scan.py run rather than skip. One synth serves
# both the lock check and the scan, so they judge the same templates.
test: setup scan-setup
	$(PYTHON) -m pytest
	$(MAKE) --no-print-directory synth
	$(PYTHON) -m ddbctl check-changes --strict --cdk-out 'cdk.out.{env}'
	$(PYTHON) -m ddbctl cost --check-budget --cdk-out 'cdk.out.{env}'
	scripts/scan.sh $(ENVIRONMENTS)

# cfn-lint (info rules on) and checkov over every environment's templates.
scan: synth scan-setup
	scripts/scan.sh $(ENVIRONMENTS)

lint: setup
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

format: setup
	$(PYTHON) -m ruff format .
	$(PYTHON) -m ruff check --fix .

update-snapshots: setup
	$(PYTHON) -m pytest tests/test_snapshots.py --snapshot-update

# Fails in one line when an environment's fixed cost is over its monthly_budget_usd.
.PHONY: budget
budget: synth
	$(PYTHON) -m ddbctl cost --check-budget --cdk-out 'cdk.out.{env}'

# Rewrite table-locks/<env>.json from the templates, after the change was reviewed.
.PHONY: lock
lock: setup
	$(PYTHON) -m ddbctl check-changes --update-lock

# Rewrite the consumers table and access matrix in docs/access.md from the catalog;
# tests/test_docs_fresh.py fails until the result is committed.
.PHONY: docs
docs: setup
	$(PYTHON) -m scripts.access_matrix

# Loads 20k generated profiles into DynamoDB Local three ways (put_item loop, boto3
# batch_writer, ddbctl migrate-profiles) and prints items/s, ratios and peak RSS.
bench-migrate: setup
	$(PYTHON) bench/migrate_bench.py

# `cdk synth --context env=prod` against a bare TableV2 app with the same tables (ratio).
.PHONY: bench-synth
bench-synth: setup
	$(PYTHON) bench/synth_bench.py

# DynamoDB Local on 127.0.0.1:8000 with the dev tables and sample data (see README).
local: setup
	$(PYTHON) -m ddbctl local up

clean:
	rm -rf cdk.out cdk.out.* .pytest_cache
