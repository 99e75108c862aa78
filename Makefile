# Two commands matter: `make run` and `make test`. Everything else is what they are made of.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
VPY       := $(VENV)/bin/python
DEPS      := $(VENV)/.deps-stamp
MODEL     := models/mes.tar.gz
RASA      := env TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONHASHSEED=0 $(VENV)/bin/rasa
PYTEST_ARGS ?=
# Tests run on as many pytest-xdist workers as CPUs; each stack is started once (tests/e2e/conftest.py).
PYTEST_WORKERS ?= auto

.PHONY: help run test lint house format train validate test-stories test-python nlu-eval seed constraints clean browser bench router

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(DEPS): requirements.txt constraints.txt
	@PY310=$$(scripts/find-python310) || exit 1; \
	if [ ! -x $(VPY) ] || ! $(VPY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	  echo "Creating $(VENV) with $$PY310"; rm -rf $(VENV); $$PY310 -m venv $(VENV) || exit 1; \
	fi
	$(VPY) -m pip install --quiet --upgrade "pip<25" wheel
	$(VPY) -m pip install --quiet -r requirements.txt -c constraints.txt
	$(VPY) -m pip check
	@touch $@

venv: $(DEPS) ## Create .venv (Python 3.10) with the pinned dependencies

train: $(DEPS) ## Train the Rasa model when config.yml, bot/ or data/ changed (content hash)
	@$(VPY) scripts/train_if_changed.py

run: $(DEPS) train ## Start every service in the foreground (Ctrl-C stops them all)
	@$(VPY) scripts/stack.py run

seed: $(DEPS) ## Load synthetic insured people into the backend and print their codes
	@$(VPY) -m backend.seed

validate: $(DEPS) ## rasa data validate
	$(VPY) scripts/validate_data.py

test-stories: $(DEPS) train ## rasa test on the conversation stories (fails on any prediction error)
	$(RASA) test core -m $(MODEL) --stories tests/stories --out var/rasa-test-results --fail-on-prediction-errors --no-plot

browser: ## Install Debian's chromium for the browser tests when missing (needs root)
	@scripts/ensure-chromium

router: ## Install Debian's haproxy for the scale-out test when missing (needs root)
	@scripts/ensure-haproxy

test-python: $(DEPS) train browser router ## pytest: unit, service and end-to-end tests
	$(VPY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test: house validate test-stories test-python ## Everything CI runs

nlu-eval: $(DEPS) ## Train NLU on a split and report intent and entity scores on held-out data
	$(VPY) scripts/nlu_eval.py

bench: $(DEPS) train ## Concurrent activations: latency, turns/s, memory -> var/bench/ (BENCH_ARGS: --compare REF, --channel voice, --scaled, --attach, --think 0, --train)
	$(VPY) -m bench $(BENCH_ARGS)

lint: $(DEPS) ## ruff check + format check + the house rules
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VPY) scripts/check_house.py

house: $(DEPS) ## The house rules: modules under 400 lines, Rasa's insides in rasa_addons/compat/, sentences in the domain or webhook/texts.py
	$(VPY) scripts/check_house.py

format: $(DEPS) ## ruff format + autofix
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

constraints: ## Re-resolve every dependency into constraints.txt (Rasa's pins win)
	@PY310=$$(scripts/find-python310) || exit 1; rm -rf var/constraints-venv; \
	$$PY310 -m venv var/constraints-venv && var/constraints-venv/bin/pip install --quiet -r requirements.txt && \
	{ head -2 constraints.txt; var/constraints-venv/bin/pip freeze; } > constraints.new && mv constraints.new constraints.txt

clean: ## Remove the virtual environment, models and local data
	rm -rf $(VENV) models var .pytest_cache
