# Two commands do everything on a fresh Debian machine with Python 3.11:
#   make report   -> _book/index.html, one page per chapter, and one PDF of the whole book
#   make test     -> the test suite (what CI runs through .ci/run)
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := report

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# The offline mirror of official releases; used when it exists, else files are downloaded.
DATA_MIRROR ?= $(if $(wildcard ../shared/data/MANIFEST.csv),$(abspath ../shared/data),)
export DATA_MIRROR
# The MCS edition the book is built as of (empty: the latest in the extracts):
#   make report MCS_VINTAGE=2025
MCS_VINTAGE ?=
export MCS_VINTAGE
# Debian packages the render and the reader-level tests need.
DEBIAN_PACKAGES := fonts-noto-core fonts-noto-cjk poppler-utils chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: report test snapshot mutation system-deps venv acquire extract render bench clean look

system-deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or make PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]' 2>&1 \
	  | { grep -v '^WARNING: Location .* is ignored' || true; }
	touch $@

venv: $(VENV)/.installed

# cffconvert (validates CITATION.cff in the tests) pins jsonschema<4: a venv of its own.
CFFCONVERT := $(VENV)/tools/cffconvert/bin/cffconvert
$(CFFCONVERT): tests/tools/cffconvert.txt
	$(PYTHON) -m venv $(VENV)/tools/cffconvert
	$(VENV)/tools/cffconvert/bin/pip install -q --disable-pip-version-check -r $< 2>&1 \
	  | { grep -v '^WARNING: Location .* is ignored' || true; }
	touch $@

acquire: venv
	$(PY) -m analysis acquire

extract: acquire
	$(PY) -m analysis extract

# One process acquires, extracts (if a release or the extract code changed), checks and
# renders (only the chapters whose inputs changed): a no-op build costs one start-up.
render: system-deps venv
	$(PY) -m analysis build

report: render

# After a source publishes new data: the same steps, then what moved (Appendix C and
# _book/data/changelog.csv). A failed validation leaves the extracts and _book/ untouched.
update: system-deps venv
	$(PY) -m analysis update

test: system-deps extract $(CFFCONVERT)
	$(PY) -m pytest

# After reviewing what `make test` reported as moved: accept the printed values as they are
# now (tests/__snapshots__/test_ledger.ambr); commit the file with the change that moved them.
snapshot: system-deps extract
	$(PY) -m pytest -q tests/test_ledger.py --snapshot-update

# Realistic faults applied one at a time to a copy of the project (tests/mutation/):
# prints each mutation's fate and the kill rate. Slow (minutes); not part of `make test`.
mutation: extract
	$(PY) tests/mutation/run.py

# Every HTML page at 1400 and 390 px and every PDF page as PNGs in tests/artifacts/ (not
# committed), from the same reader-level tests, for a person to look at.
look: system-deps extract
	READER_ARTIFACTS=1 $(PY) -m pytest -q tests/test_reader.py tests/test_pdf_layout.py

bench: extract
	$(PY) tests/benchmarks/bench_extract.py
	$(PY) tests/benchmarks/bench_render.py

clean:
	rm -rf _book .cache data/extracts data/raw
