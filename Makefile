# Every target builds its own virtualenv first, so a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8080

.PHONY: demo serve test lint typecheck unit conformance clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,load]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/scimcert demo --report-dir out/demo

serve: $(STAMP)
	mkdir -p out
	$(BIN)/scimcert serve --port $(PORT) --db sqlite:///out/scimcert.db

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Under xdist: the tests mostly wait on child servers and timeouts, so more workers than cores
# pay (tests/README.md: 2 cores, serially 512 s, -n 2 338 s, -n 4 270 s, -n 6 297 s). loadgroup
# keeps a module with a module fixture on one worker (tests/support/scheduling.py).
# `make unit PYTEST_WORKERS=0` runs it serially.
PYTEST_WORKERS ?= 4
unit: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: lint typecheck unit

conformance: $(STAMP)
	$(BIN)/python tools/conformance.py --out docs/conformance

# scimcert against four third-party SCIM servers (PyPI and npm, pinned, each in its own
# .venv-crosscheck/<name>/, on loopback); rewrites docs/crosscheck.md with every failing check on
# each and why. Not part of `make test`: it installs (pip, npm; node runs the npm one). ~2 min.
.PHONY: crosscheck
crosscheck: $(STAMP)
	$(BIN)/python tools/crosscheck.py --out out/crosscheck --doc docs/crosscheck.md

# Servers, harness and mock IdP measured side by side against peers (installed into .venv-bench/
# by the run itself, wrk from Debian when missing); rewrites benchmarks/RESULTS.md. Under 10 min.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m benchmarks

# The load generator's capacity (requests/s per core, per IdP mix, python-requests vs
# geventhttpclient) and the 400 requests/s verdict; its own section of RESULTS.md. About 5 min.
.PHONY: bench-generator
bench-generator: $(STAMP)
	$(BIN)/python -m benchmarks.generator_bench

clean:
	rm -rf $(VENV) out dist build .mypy_cache .ruff_cache .pytest_cache

# The summary as a reader sees it, clean and with three faults, drawn by Debian's Chromium at
# 1,400 px: docs/screenshots/*.png, and each page's full height printed.
.PHONY: screenshots
screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py --out docs/screenshots
