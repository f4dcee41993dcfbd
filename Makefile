# The README's two commands: `make demo` (build and preview the example game) and `make test`.
# Both set up what they need on a fresh Debian machine: a venv with ttminis and its test extras,
# the pinned runtimes (fetched with npm/pip, hash-checked, cached in ~/.cache/ttminis), and for
# the tests Debian's chromium and chromium-driver. Node.js (with npm) is a build requirement: the
# pinned Node tools run the compliance scan of every build.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
GAME ?= examples/shop
RUNTIME ?= pyodide
PORT ?= 8000

.PHONY: demo test chromium node runtimes bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends chromium chromium-driver; }

node:
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends nodejs npm; }

runtimes: node $(VENV)/.installed
	$(PY) -m ttminis.build

demo: runtimes
	$(PY) build.py $(GAME) --runtime $(RUNTIME) --dev --serve --port $(PORT)

test: chromium runtimes
	$(PY) -m pytest

bench: chromium runtimes
	$(PY) bench/run.py
