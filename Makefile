# One entry point for humans and CI. Every target installs what it needs,
# idempotently, into .venv/ and node_modules/ (re-run only when pins change).
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
ENVIRONMENTS := dev staging prod
# Node 22 from node_modules first: the machine's Node 20 is end-of-life for jsii.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
# Bytecode caches on even where the environment turns them off: otherwise every pytest
# worker, ddbctl and app.py process compiles the sources again (and pytest rewrites the
# tests). __pycache__/ is git-ignored, and neither the template cache's digest nor the
# seeder's asset reads it.
unexport PYTHONDONTWRITEBYTECODE

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The jsii libraries (aws-cdk-lib, cdk-nag) unpacked into the user's jsii package cache.
JSII_STAMP := $(VENV)/.jsii-unpacked
# Scanners get their own venv: checkov pins an older boto3 and many other packages.
SCAN_VENV := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed

.PHONY: setup synth test unit infra integration lint format update-snapshots clean scan scan-setup bench-migrate bench-copy local

setup: $(PY_STAMP) $(NODE_STAMP) $(JSII_STAMP)

$(PY_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	# The project itself, editable: `.venv/bin/ddbctl` and `import cdk_constructs` from anywhere.
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The first jsii kernel to load a library unpacks it (about 190 MB) into
# ~/.cache/aws/jsii/package-cache; kernels that start together on a cold cache each unpack
# it. `make test` starts several at once, so one kernel unpacks them here, once per install.
$(JSII_STAMP): $(PY_STAMP) $(NODE_STAMP)
	$(PYTHON) -c "import aws_cdk, cdk_nag"
	touch $@

$(SCAN_STAMP): requirements-scan.txt
	test -x $(SCAN_VENV)/bin/python || python3 -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-scan.txt
	touch $@

scan-setup: $(SCAN_STAMP)

# The environments synthesize side by side (each CLI run is mostly one process).
synth: setup
	@pids=(); for env in $(ENVIRONMENTS); do \
	  echo "synth $$env -> cdk.out.$$env"; \
	  cdk synth --quiet --context env=$$env --output cdk.out.$$env & pids+=($$!); \
	done; status=0; for pid in "$${pids[@]}"; do wait $$pid || status=1; done; exit $$status

# Tests in tiers. unit: no synth, no server; infra: synth, cdk-nag, snapshots, in one
# process so each environment is synthesized once for the tests (and once more into
# cdk.out.<env>/, as `cdk synth` writes it); integration: DynamoDB Local, moto server,
# the scanners (scan-setup first, so their self-tests run rather than skip).
PYTEST := $(PYTHON) -m pytest -q
# Two workers on its own; `make test` runs it in one process, beside the other steps.
UNIT_WORKERS := 2
unit: setup
	$(PYTEST) -n $(UNIT_WORKERS) tests/unit

infra: setup
	$(PYTEST) tests/infra

integration: setup scan-setup
	$(PYTEST) -n 2 tests/integration

# All three tiers, and the gates CI enforces on each environment's cloud assembly. The
# infra tier writes those into cdk.out.<env>/ as `make synth` would, on its warm kernel
# (tests/infra/test_cdk_synth_cli.py runs the CLI and finds the same files); the lock
# check, the budget and the scan judge them. The steps run side by side: the infra tier
# and the scan are one process each. -O prints each step's output whole when it ends;
# any step failing fails `make test`.
test: setup scan-setup
	$(MAKE) --no-print-directory --jobs=3 --output-sync=target infra integration unit gates \
	  UNIT_WORKERS=0

.PHONY: gates
gates: infra
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
	$(PYTHON) -m pytest tests/infra/test_snapshots.py --snapshot-update

# Fails in one line when an environment's fixed cost is over its monthly_budget_usd.
.PHONY: budget
budget: synth
	$(PYTHON) -m ddbctl cost --check-budget --cdk-out 'cdk.out.{env}'

# docs/adding-a-table.md, walked in a copy of the repository: a new table fails only on
# the lock, the snapshots and the access document, and passes once they are regenerated.
.PHONY: walkthrough
walkthrough: setup
	$(PYTHON) -m pytest -m walkthrough tests/integration/test_adding_a_table.py

# Rewrite table-locks/<env>.json from the templates, after the change was reviewed.
.PHONY: lock
lock: setup
	$(PYTHON) -m ddbctl check-changes --update-lock

# Rewrite the consumers table and access matrix in docs/access.md from the catalog;
# tests/unit/test_docs_fresh.py fails until the result is committed.
.PHONY: docs
docs: setup
	$(PYTHON) -m scripts.access_matrix

# Loads 20k generated profiles into DynamoDB Local three ways (put_item loop, boto3
# batch_writer, ddbctl migrate-profiles) and prints items/s, ratios and peak RSS.
bench-migrate: setup
	$(PYTHON) bench/migrate_bench.py

# Copies 20k items on DynamoDB Local two ways (a single-threaded Scan + batch_writer
# loop, and ddbctl copy) and prints items/s and the ratio.
bench-copy: setup
	$(PYTHON) bench/copy_bench.py

# `cdk synth --context env=prod` against a bare TableV2 app with the same tables (ratio).
.PHONY: bench-synth
bench-synth: setup
	$(PYTHON) bench/synth_bench.py

# DynamoDB Local on 127.0.0.1:8000 with the dev tables and sample data (see README).
local: setup
	$(PYTHON) -m ddbctl local up

clean:
	rm -rf cdk.out cdk.out.* .pytest_cache
