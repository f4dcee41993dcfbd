# The README's two commands: `make demo` (build and preview the example game) and `make test`.
# Also `make wheel` (dist/ttminis-<version>-py3-none-any.whl, what the README's install uses) and
# `make docs` (the documentation site from docs/ and mkdocs.yml, in site/; `make test` builds it
# with --strict, so a broken link, anchor or API reference fails CI).
# Both set up what they need on a fresh Debian machine: a venv with ttminis and its test extras
# (the server half included), the pinned runtimes (fetched with npm/pip, hash-checked, cached in
# ~/.cache/ttminis), and for the tests Debian's chromium, chromium-driver, postgresql and
# JavaScriptCore's jsc shell (libjavascriptcoregtk-4.0-bin).
# `make demo` builds examples/shop for TikTok's native runtime and previews it in a desktop browser
# (`make demo TARGET=html` for the web bundle), with the fake TikTok server and the reference backend
# (SQLite) beside it;
# `make test` runs the suites against a throwaway PostgreSQL server it starts and stops
# (TTMINIS_REQUIRE_POSTGRES=1: a missing server fails the PostgreSQL cases, never skips them).
# Node.js (with npm) is a build requirement: the pinned Node tools run the compliance scan of every
# build (`make node` installs Debian's nodejs and npm when missing).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
GAME ?= examples/shop
TARGET ?= native
RUNTIME ?= pyodide
PORT ?= 8000
BACKEND_PORT ?= 8080
FAKE_TIKTOK_PORT ?= 8090

.PHONY: demo test docs docs-strict wheel chromium node jsc postgres runtimes bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

# The wheel needs only Python (3.10+, with venv): a small venv of its own builds it, so a user who only
# wants the wheel does not install the test extras.
wheel:
	@[ -x .venv-wheel/bin/python ] || $(PYTHON) -m venv .venv-wheel
	.venv-wheel/bin/python -m pip wheel -q --disable-pip-version-check --no-deps -w dist .
	@ls dist/ttminis-*.whl

docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --site-dir site
	@echo "The documentation: site/index.html"

# Not --quiet: it hides the warnings that --strict counts, and the build would pass anyway.
docs-strict: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends chromium chromium-driver; }

node:
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends nodejs npm; }

# JavaScriptCore's shell (the engine TikTok uses on iOS): the native package is also booted on it.
jsc:
	@command -v jsc >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends libjavascriptcoregtk-4.0-bin; }

# PostgreSQL's programs only: no default cluster, so apt starts no server of its own.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  $(SUDO) mkdir -p /etc/postgresql-common && \
	  echo 'create_main_cluster = false' | $(SUDO) tee /etc/postgresql-common/createcluster.conf >/dev/null && \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends postgresql; }

runtimes: node $(VENV)/.installed
	$(PY) -m ttminis.build

# TARGET=native (the default): the package TikTok accepts, previewed live from the strict simulator;
# TARGET=html: the web bundle in the browser itself (RUNTIME=pyodide|brython).
demo: runtimes
	mkdir -p dist
	$(PY) -m ttminis.server demo --port $(BACKEND_PORT) --fake-port $(FAKE_TIKTOK_PORT) \
	  --database sqlite:///dist/demo-orders.db & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	if [ "$(TARGET)" = html ]; then \
	  $(PY) build.py $(GAME) --target html --runtime $(RUNTIME) --dev --serve --port $(PORT) \
	    --backend-url http://127.0.0.1:$(BACKEND_PORT) --fake-tiktok-url http://127.0.0.1:$(FAKE_TIKTOK_PORT); \
	else \
	  $(PY) build.py $(GAME) --target native --serve --port $(PORT) \
	    --backend-url http://127.0.0.1:$(BACKEND_PORT) --fake-tiktok-url http://127.0.0.1:$(FAKE_TIKTOK_PORT); \
	fi

test: chromium jsc postgres runtimes docs-strict
	TTMINIS_REQUIRE_POSTGRES=1 $(PY) -m ttminis.server postgres -- $(PY) -m pytest --durations=25

bench: chromium postgres runtimes
	$(PY) bench/run.py
	$(PY) -m ttminis.server postgres --durable -- $(PY) bench/server_throughput.py
