# Two commands set everything up on a fresh machine: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
LETTERS := $(VENV)/bin/letters
DEMO := --campaign end-ice-contracts --date 2026-02-01 --name "Heather Lim" \
	--street "10234 82 Avenue NW" --city Edmonton --province AB --postal-code "T6E 1Z8" \
	--riding "Edmonton Strathcona" --email heather.lim@example.ca

.PHONY: demo test test-latest lock lint review system-deps browser-deps proof-deps serve bench-serve screenshots webfonts clean house house-data batch-demo

# Installs Debian packages $(1), refreshing the package lists only if the first try fails (a
# fresh machine may have none). Exit status: that of the install.
apt_install = (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null 2>&1 || \
	(apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null))

# WeasyPrint needs Pango; HarfBuzz's subsetter makes each PDF about 7x faster than fontTools.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
system-deps:
	@missing=""; \
	for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0; do \
	  ldconfig -p | grep -q "$$lib" || missing="$$missing $$lib"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Pango and HarfBuzz's subsetter (missing:$$missing)"; \
	    $(call apt_install,$(SYSTEM_PACKAGES)); \
	  else \
	    echo "Missing:$$missing. Install them with:"; \
	    echo "  sudo apt-get install $(SYSTEM_PACKAGES)"; \
	    exit 1; \
	  fi; \
	fi

# The browser tests drive Debian's Chromium through its chromedriver (never a downloaded browser)
# and check accessibility with axe-core from npm. Without them those tests skip, saying why.
browser-deps: node_modules/axe-core/axe.min.js
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium and chromedriver for the browser tests"; \
	    $(call apt_install,chromium chromium-driver) || \
	      echo "Could not install Chromium: the browser tests will be skipped"; \
	  else \
	    echo "No Chromium: the browser tests will be skipped. Install it with:"; \
	    echo "  sudo apt-get install chromium chromium-driver"; \
	  fi; \
	fi

# Proofreading (`letters i18n check --proof`, part of `make test`): Grammalecte for French grammar
# (its command line, run by Debian's own Python), Hunspell's Canadian dictionaries through Enchant
# (pyenchant, from the lock). Without them proofreading stops with exit 2 and names them
# (`--skip-unavailable` proofreads what it can). GNU gettext's msgfmt checks every shipped catalog
# the way Poedit does (tests/translation/test_catalog_gnu.py).
PROOF_PACKAGES := grammalecte-cli python3-grammalecte hunspell-en-ca hunspell-fr-comprehensive libenchant-2-2 gettext
proof-deps:
	@if ! command -v grammalecte-cli >/dev/null || [ ! -f /usr/share/hunspell/en_CA.dic ] || \
	    [ ! -f /usr/share/hunspell/fr_CA.dic ] || ! ldconfig -p | grep -q libenchant-2.so.2 || \
	    ! command -v msgfmt >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Grammalecte, Hunspell en_CA and fr_CA, Enchant and GNU gettext for proofreading"; \
	    $(call apt_install,$(PROOF_PACKAGES)); \
	  else \
	    echo "Proofreading and the catalog tests need these tools. Install them with:"; \
	    echo "  sudo apt-get install $(PROOF_PACKAGES)"; \
	  fi; \
	fi

node_modules/axe-core/axe.min.js:
	@command -v npm >/dev/null && npm install --no-save --no-package-lock --no-audit --no-fund -s axe-core@4 \
	  || echo "No npm: the accessibility check will be skipped"

# Installs come from the lock files in requirements/ (exact versions with hashes, made by
# `make lock`), never from whatever PyPI has today. `make demo` needs only the runtime lock;
# `make test` adds the test, cluster, s3 and proof extras from requirements/dev.txt. The project itself
# goes in last with --no-deps and --no-build-isolation (its build backend is in the lock too).
INSTALL_SELF = $(PIP) install -q --no-deps --no-build-isolation -e .

$(VENV)/.runtime: requirements/runtime.txt pyproject.toml | system-deps
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --require-hashes -r requirements/runtime.txt
	$(INSTALL_SELF)
	touch $@

$(VENV)/.installed: requirements/dev.txt $(VENV)/.runtime
	$(PIP) install -q --require-hashes -r requirements/dev.txt
	$(INSTALL_SELF)
	touch $@

# Regenerates both locks from pyproject.toml's ranges with uv (kept in its own venv, .venv-lock):
# existing pins stay where pyproject.toml still allows them, so adding a dependency changes only
# what it needs. `make lock UPGRADE=1` moves everything to the newest allowed release.
# The runtime lock is constrained by the full one, so demo and test run the same versions.
LOCK_UV := .venv-lock/bin/uv
LOCK_OPTS := --quiet --generate-hashes --universal --python-version 3.11 $(if $(UPGRADE),--upgrade)
lock:
	test -x $(LOCK_UV) || (python3 -m venv .venv-lock && .venv-lock/bin/pip install -q uv)
	$(LOCK_UV) pip compile $(LOCK_OPTS) pyproject.toml requirements/build.in \
	  --extra test --extra cluster --extra s3 --extra proof -o requirements/dev.txt
	$(LOCK_UV) pip compile $(LOCK_OPTS) pyproject.toml requirements/build.in \
	  -c requirements/dev.txt -o requirements/runtime.txt

# The suite against the newest releases pyproject.toml allows, in a throwaway venv: drift shows
# here before a lock refresh ships it. Not part of CI; a failure is news, not a broken build.
test-latest: | system-deps browser-deps proof-deps
	rm -rf .venv-latest && python3 -m venv .venv-latest
	.venv-latest/bin/pip install -q --upgrade pip
	.venv-latest/bin/pip install -q --upgrade --upgrade-strategy eager -e '.[test,cluster,s3,proof]'
	.venv-latest/bin/pip freeze --exclude-editable > .venv-latest/versions.txt
	.venv-latest/bin/python -m pytest -q -p no:cacheprovider
	.venv-latest/bin/letters i18n check --strict --proof

demo: $(VENV)/.runtime
	@mkdir -p output/demo
	@$(LETTERS) write $(DEMO) --to pm --lang en -o output/demo/pm-en.pdf
	@$(LETTERS) write $(DEMO) --to pm --lang fr -o output/demo/pm-fr.pdf
	@$(LETTERS) write $(DEMO) --to mp:"Edmonton Strathcona" --lang en -o output/demo/mp-en.pdf

# The whole House (45th Parliament) as it sits: the House's roster, the MPs' emails, their gender
# as the Library of Parliament records it (joined by mp_id) and the districts' official names, into directory/house.toml (replacing the House shipped with letters),
# so `--to mp` and a riding column reach every sitting MP. Running it again changes nothing.
SHARED_DATA ?= ../shared/data
HOUSE_FILES = $(SHARED_DATA)/house-of-commons-members-45th-2026-09-27.csv \
  $(SHARED_DATA)/house-of-commons-45th-emails-2026-01-22.json \
  $(SHARED_DATA)/house-of-commons-45th-gender-2025.csv \
  --districts $(SHARED_DATA)/ca_federal_electoral_districts-2023.csv
house: $(VENV)/.runtime
	@if [ -f $(SHARED_DATA)/house-of-commons-members-45th-2026-09-27.csv ]; then \
	  $(LETTERS) directory import $(HOUSE_FILES) --replace; \
	else \
	  echo "No House files in $(SHARED_DATA)/ (SHARED_DATA=<folder> names another):" \
	    "letters uses the House it ships, the same 45th Parliament (letters directory show)."; \
	fi

# Maintainers: refresh the House shipped in the package (letters/data/house.toml) from the same
# files, so that a fresh install reaches the sitting members without ../shared/data.
house-data: $(VENV)/.runtime
	@$(LETTERS) directory import $(HOUSE_FILES) --replace --output letters/data/house.toml

# The batch on examples/supporters.csv: a letter to the PM and to each supporter's own MP, print
# packs, manifest.csv and errors.csv in output/end-ice-contracts/supporters-2026-02-01/. With
# ../shared/data present it first imports the House as it sits (45th Parliament); without it the
# House shipped with letters (the same data) is used.
batch-demo: $(VENV)/.runtime
	@if [ ! -f directory/house.toml ] && [ -f $(SHARED_DATA)/house-of-commons-members-45th-2026-09-27.csv ]; then \
	  $(MAKE) --no-print-directory house; fi
	@$(LETTERS) batch --campaign end-ice-contracts --input examples/supporters.csv \
	  --to pm --to mp --date 2026-02-01

# The project's own catalogs must pass every translation check, warnings included, and the
# proofreading of catalogs and composed letters (CI fails on a bad translation or a typo).
test: $(VENV)/.installed browser-deps proof-deps
	$(PY) -m pytest -q
	$(LETTERS) i18n check --strict --proof

# The translation review a reviewer reads: messages English | French, then the letters side by side,
# with the proofreading findings (its tools are needed: without them `letters i18n review` stops).
review: $(VENV)/.installed proof-deps
	$(LETTERS) i18n review --campaign end-ice-contracts --locale fr -o output/review/end-ice-contracts-fr.pdf

# The campaign's web page on http://127.0.0.1:8000/ (Ctrl+C stops it).
serve: $(VENV)/.runtime
	$(LETTERS) serve --campaign end-ice-contracts

bench-serve: $(VENV)/.installed
	$(PY) benchmarks/bench_serve.py

screenshots: $(VENV)/.installed browser-deps
	$(PY) -m tests.browser docs

# The web page's fonts, subset to WOFF2 from templates/fonts (fontTools and brotli are in the lock).
webfonts: $(VENV)/.installed
	$(PY) -m letters.web.webfonts

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check letters tests benchmarks
	$(VENV)/bin/ruff format --check letters tests benchmarks

clean:
	rm -rf $(VENV) .venv-latest .venv-lock build dist output/*/
