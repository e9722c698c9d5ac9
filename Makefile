# Two commands do everything: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := 3.10.13
PYTHON310 ?= $(shell PYENV_VERSION=$(PYTHON_VERSION) pyenv which python 2>/dev/null || command -v python3.10)
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
STORE := build/fact_store.json
MODEL := models/pore-care.tar.gz
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
WEB_PORT ?= 8080
CORS_ORIGIN ?= http://localhost:$(WEB_PORT)
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

STORE_INPUTS := $(wildcard data/documents/* data/facts/*.yml data/nlu/*.yml) data/store.yml knowledge/build.py knowledge/nlp.py
# `make run` adds the Telegram channel when TELEGRAM_TOKEN is set (README, "Telegram").
TELEGRAM_CHANNEL := channels.telegram.SecureTelegramInput
RUN_CREDENTIALS := var/credentials.yml

MODEL_INPUTS := config.yml domain.yml $(wildcard data/nlu/*.yml data/rules/*.yml nlu_components/*.py)

.PHONY: help install store train run test lint unit validate e2e server-tests eval eval-gate clean

help:
	@echo "make run   - set up everything and start the assistant (REST on http://localhost:$(RASA_PORT))"
	@echo "make test  - set up what the tests need and run every test"
	@echo "make eval  - held-out evaluation through the REST channel of a running bot"
	@echo "make bench - the assistant against a plain rasa-init bot, same run (about 25 minutes)"

$(BIN)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(BIN)/.installed

$(STORE): $(BIN)/.installed $(STORE_INPUTS)
	$(BIN)/python -m knowledge.build

store: $(STORE)

# Trains only when the NLU data, rules, domain or config changed (make compares file times).
$(MODEL): $(BIN)/.installed $(MODEL_INPUTS)
	$(RASA) train --config config.yml --domain domain.yml --data data/nlu data/rules \
		--out models --fixed-model-name pore-care --force

train: $(MODEL)

run: $(STORE) $(MODEL) web-install
	@mkdir -p var
	@cp credentials.yml $(RUN_CREDENTIALS); if [ -n "$$TELEGRAM_TOKEN" ]; then \
		printf '\n%s:\n' '$(TELEGRAM_CHANNEL)' >> $(RUN_CREDENTIALS); \
		echo "With the Telegram channel: updates at /webhooks/telegram/webhook, Bot API at $${TELEGRAM_API_URL:-https://api.telegram.org}"; \
	else echo "TELEGRAM_TOKEN is not set: starting without the Telegram channel"; fi
	@echo "Starting the action server on 127.0.0.1:$(ACTIONS_PORT) and Rasa on http://localhost:$(RASA_PORT)/webhooks/rest/webhook"
	@echo "Chat page: http://localhost:$(WEB_PORT)/ (Rasa allows the origin $(CORS_ORIGIN)); logs in var/run/logs/"
	$(BIN)/python -m serving.supervise --rasa-port $(RASA_PORT) --actions-port $(ACTIONS_PORT) --web-port $(WEB_PORT) \
		--cors "$(CORS_ORIGIN)" --model $(MODEL) --credentials $(RUN_CREDENTIALS) --endpoints endpoints.yml

test: lint unit validate e2e server-tests kill-test telegram-test hostile-test browser-test cluster-test eval-gate

unit: $(STORE) $(MODEL)
	$(BIN)/python -m pytest tests/unit -q

# ruff (lint, format check) and mypy over the project's code; settings in pyproject.toml.
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

validate: $(BIN)/.installed
	$(RASA) data validate --config config.yml --domain domain.yml --data data/nlu data/rules

e2e: $(STORE) $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/stories \
		--out results/e2e --fail-on-prediction-errors

server-tests: $(STORE) $(MODEL)
	$(BIN)/python -m pytest tests/server -q

# `make run` under a one-sender burst and a SIGKILL of each of its processes (README, "Failures: what a user sees");
# writes results/kill-test-run.json.
.PHONY: kill-test
kill-test: $(STORE) $(MODEL) web-install
	$(BIN)/python -m pytest tests/supervision -q -s

.PHONY: telegram-test telegram-webhook

telegram-test: $(STORE) $(MODEL)
	$(BIN)/python -m pytest tests/telegram -q

# Registers TELEGRAM_WEBHOOK_URL (with TELEGRAM_SECRET_TOKEN) on the Bot API at TELEGRAM_API_URL.
telegram-webhook: $(BIN)/.installed
	$(BIN)/python -m channels.telegram_webhook

eval: $(STORE) $(MODEL)
	$(BIN)/python -m tests.eval.run_eval --start-servers

# The held-out evaluation as a test: fails when a category falls under tests/eval/floors.yml.
eval-gate: $(STORE) $(MODEL)
	$(BIN)/python -m tests.eval.run_eval --start-servers --floors tests/eval/floors.yml

# The web chat (README, "Web chat"): deep-chat from the npm registry, served by web/server.py.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: web-install browser-test

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web-install: web/node_modules/.installed

# Real headless Chromium from Debian (browser downloads are not available), driven by Playwright.
browser-test: $(STORE) $(MODEL) web-install $(BIN)/.installed
	@test -x $(CHROMIUM) && fc-list :lang=ko | grep -q . || { \
		echo "Installing Debian's chromium, and a Korean font for the screenshots"; \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-nanum; }
	@$(BIN)/python -c 'import playwright' 2>/dev/null || $(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/browser -q

clean:
	rm -rf build models results var .pytest_cache

# Production profile (README, "Production"): PostgreSQL tracker store, Redis lock store, two
# Rasa replicas and two action servers behind nginx. Settings come from the environment, then
# from ENV_FILE (.env.production when it exists, else the example with this machine's values).
ENV_FILE ?= $(firstword $(wildcard .env.production) .env.production.example)
SUDO ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run-cluster cluster-test nginx-install

# nginx from Debian's packages is the load balancer (deploy/nginx.conf.template).
nginx-install:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		echo "Installing nginx from Debian's packages (the cluster's load balancer)"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

run-cluster: $(STORE) $(MODEL) nginx-install
	@mkdir -p var
	$(BIN)/python -m deploy.cluster --env-file $(ENV_FILE)

# Against the PostgreSQL and Redis that TRACKER_DB_*/LOCK_REDIS_* name (default: localhost).
cluster-test: $(STORE) $(MODEL) nginx-install
	$(BIN)/python -m pytest tests/cluster -q

# Performance (README, "Performance"): the assistant against a plain `rasa init` bot built in
# var/bench, measured in the same run; writes results/bench.json and a PNG. About 25 minutes.
.PHONY: bench
bench: $(STORE) $(MODEL)
	$(BIN)/python -m bench.run_bench

# Issue 12 (README, "Awkward input"): hostile input against real servers in both profiles, and
# the reviewed list of dependency advisories (README, "Known vulnerabilities"), offline.
.PHONY: hostile-test audit

hostile-test: $(STORE) $(MODEL)
	$(BIN)/python -m pytest tests/hostile -q -s

audit: $(BIN)/.installed
	$(BIN)/python -m tools.audit
