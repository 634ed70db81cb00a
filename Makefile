# SafeCommune — two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: demo test install serve migrate messages bench clean-var help

help:
	@echo "make demo   - install, migrate, load territories and demo data, serve on http://127.0.0.1:8000"
	@echo "make test   - install if needed and run the whole test suite"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/safecommune migrate --noinput

# The demo alone runs without the staff second factor, so its printed logins work at once.
demo: migrate
	$(BIN)/safecommune demo
	SAFECOMMUNE_DEMO_WITHOUT_2FA=1 $(BIN)/safecommune serve

serve: install
	$(BIN)/safecommune serve

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Developers: refresh .po files after changing strings, then translate and compile.
messages: install
	cd src/safecommune && ../../$(BIN)/safecommune makemessages --all --no-obsolete --no-location --ignore 'static/vendor/*'
	cd src/safecommune && ../../$(BIN)/safecommune compilemessages

bench: install
	$(BIN)/python bench/run.py

clean-var:
	rm -rf var
