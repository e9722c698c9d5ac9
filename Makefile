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
CORS_ORIGIN ?= http://localhost:8080
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

STORE_INPUTS := $(wildcard data/documents/* data/facts/*.yml data/nlu/*.yml) data/store.yml actions/build_store.py actions/nlp.py
MODEL_INPUTS := config.yml domain.yml $(wildcard data/nlu/*.yml data/rules/*.yml data/stories/*.yml nlu_components/*.py)

.PHONY: help install store train run test unit validate e2e server-tests eval clean

help:
	@echo "make run   - set up everything and start the assistant (REST on http://localhost:$(RASA_PORT))"
	@echo "make test  - set up what the tests need and run every test"
	@echo "make eval  - held-out evaluation through the REST channel of a running bot"

$(BIN)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(BIN)/.installed

$(STORE): $(BIN)/.installed $(STORE_INPUTS)
	$(BIN)/python -m actions.build_store

store: $(STORE)

# Trains only when the NLU data, rules, domain or config changed (make compares file times).
$(MODEL): $(BIN)/.installed $(MODEL_INPUTS)
	$(RASA) train --config config.yml --domain domain.yml --data data/nlu data/rules data/stories \
		--out models --fixed-model-name pore-care --force

train: $(MODEL)

run: $(STORE) $(MODEL)
	@mkdir -p var
	@echo "Starting the action server on :$(ACTIONS_PORT) and Rasa on http://localhost:$(RASA_PORT)/webhooks/rest/webhook"
	@trap 'kill 0' EXIT; \
	$(RASA) run actions --port $(ACTIONS_PORT) --actions actions.actions & \
	$(RASA) run --model $(MODEL) --port $(RASA_PORT) --credentials credentials.yml \
		--endpoints endpoints.yml --cors "$(CORS_ORIGIN)"

test: unit validate e2e server-tests

unit: $(STORE)
	$(BIN)/python -m pytest tests/unit -q

validate: $(BIN)/.installed
	$(RASA) data validate --config config.yml --domain domain.yml --data data/nlu data/rules data/stories

e2e: $(STORE) $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/stories \
		--out results/e2e --fail-on-prediction-errors

server-tests: $(STORE) $(MODEL)
	$(BIN)/python -m pytest tests/server -q

eval: $(STORE) $(MODEL)
	$(BIN)/python -m tests.eval.run_eval --start-servers

clean:
	rm -rf build models results var .pytest_cache
