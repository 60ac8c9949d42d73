# The two commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-browser lint format clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

# Reinstall whenever pyproject.toml changes; `pip install --group` reads its dependency groups.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --group $*
	touch $@

run: $(VENV)/.installed-run
	$(MANAGE) check_pdf
	$(MANAGE) migrate --no-input
	$(MANAGE) seed
	$(MANAGE) seed_demo_members
	$(MANAGE) ensure_local_admin
	$(MANAGE) runserver 127.0.0.1:8000

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

# The real-browser journeys and the accessibility gate alone (needs Debian's chromium).
test-browser: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests/browser

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# Which app may import which: the contracts in pyproject.toml.
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-artifacts
