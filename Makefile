# CareInspect: `make run` serves the demo county, `make test` runs the whole suite on SQLite and PostgreSQL.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app app
# Where phones reach the demo: this machine's first network address when serving every interface (HOST=0.0.0.0).
ADDRESS = $(if $(filter 0.0.0.0,$(HOST)),$(firstword $(shell hostname -I)),$(HOST))
# Notice QR codes point at the address being served, derived at each start (so `PORT=8000 make run` after a first
# run points at 8000), unless CAREINSPECT_PUBLIC_BASE_URL or instance/config.py names the public address.
PUBLIC_URL_ENV = $(if $(CAREINSPECT_PUBLIC_BASE_URL),,$$(grep -qs '^PUBLIC_BASE_URL' instance/config.py || \
  echo CAREINSPECT_PUBLIC_BASE_URL=http://$(ADDRESS):$(PORT)))

.PHONY: run test lint system-deps system-deps-test translations clean

run: system-deps $(VENV)/.installed translations instance/config.py
	@# the line an earlier `make run` wrote, with the port of that run: the address is now derived at each start
	@sed -i '/^PUBLIC_BASE_URL = "http:\/\/127\.0\.0\.1:[0-9]*"$$/d' instance/config.py
	$(FLASK) db upgrade
	$(FLASK) checklists import
	$(FLASK) signing demo-ca
	env $(PUBLIC_URL_ENV) $(FLASK) demo seed --if-empty
	@echo "CareInspect on http://$(ADDRESS):$(PORT)  (demo logins: admin reviewer mz1 mz2 xf1 xf2 sc1 sc2 wj1 wj2 zj1 zj2 operator; password wuzhai-demo-2026)"
	env $(PUBLIC_URL_ENV) $(FLASK) run --host $(HOST) --port $(PORT)

test: system-deps-test $(VENV)/.installed translations lint
	$(BIN)/pytest -q -ra
	TEST_DATABASE_URL=$$(scripts/test-postgres.sh) $(BIN)/pytest -q -ra

lint: $(VENV)/.installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node_modules/.bin/biome ci --colors=off .

# Biome (formatter and linter of the phone scripts) at the version the lock file pins; its binary ships in the package.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

system-deps:
	scripts/system-deps.sh

system-deps-test:
	scripts/system-deps.sh --test

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d inspection/translations

# A local (not production) configuration: a random secret, and cookies allowed over plain http:// (127.0.0.1, or a
# phone on the same network with HOST=0.0.0.0).
instance/config.py:
	mkdir -p instance
	printf 'SECRET_KEY = "%s"\nSESSION_COOKIE_SECURE = False\nREMEMBER_COOKIE_SECURE = False\n' \
	  "$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))')" > $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
