# One command builds the site, one runs every test; each installs what it needs.
#   make site    build docs/generated/ from data/, then the static site into site/
#   make serve   the same, served on http://127.0.0.1:8000 with reload on data or page changes
#   make test    every test (unit, end-to-end build, browser)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE_STAMP := $(VENV)/.site-deps
TEST_STAMP := $(VENV)/.test-deps

.PHONY: site generate serve test browser clean

$(SITE_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(TEST_STAMP): $(SITE_STAMP) requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

generate: $(SITE_STAMP)
	$(BIN)/python build_tables.py

site: generate
	$(BIN)/mkdocs build --strict --site-dir site

serve: generate
	$(BIN)/python -m findings.serve

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest -q

clean:
	rm -rf site docs/generated .cache
