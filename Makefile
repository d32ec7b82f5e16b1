# Two commands set everything up on a fresh machine with Python 3.11+ and make:
#   make demo   - create .venv, install, run Vigie on the bundled demo sources
#   make test   - create .venv, install, run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test install bench robustness clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m demo.run

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

robustness: $(STAMP)
	$(BIN)/python bench/robustness.py

clean:
	rm -rf $(VENV) demo/.demo-data .pytest_cache
