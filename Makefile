.PHONY: install test test-pg lint format serve demo messages untranslated bench vendor-vega

install:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'

test:
	.venv/bin/pytest

test-pg:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/pytest

lint:
	.venv/bin/ruff check src tests bench tools conftest.py && .venv/bin/ruff format --check src tests bench tools conftest.py
	DJANGO_SETTINGS_MODULE=nscap.test_settings .venv/bin/django-admin makemigrations --check --dry-run

format:
	.venv/bin/ruff check --fix src conftest.py && .venv/bin/ruff format src conftest.py

demo:
	.venv/bin/nscap demo

serve:
	.venv/bin/nscap serve

# Refresh the catalogues from the source (dropping messages the source no longer has) and
# compile them; `make untranslated` then lists what is left to translate (docs/user-guide.md,
# "Translating").
messages:
	cd src/nscap && DJANGO_SETTINGS_MODULE=nscap.test_settings ../../.venv/bin/django-admin makemessages -l zh_Hans --no-obsolete && DJANGO_SETTINGS_MODULE=nscap.test_settings ../../.venv/bin/django-admin compilemessages

untranslated:
	.venv/bin/python tools/untranslated.py --where

# Every benchmark, on demand (never in the test suite); each appends its rows to docs/benchmarks.md.
bench:
	test -x .venv/bin/python || python3 -m venv .venv
	.venv/bin/pip install -q -e '.[test,bench]'
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	.venv/bin/python bench/resolution.py
	.venv/bin/python bench/pages.py
	.venv/bin/python bench/collaboration.py
	.venv/bin/python bench/count_quality.py --events 5000 --record
	.venv/bin/python bench/analytics.py
	nice .venv/bin/python bench/linkage.py --reports 10000 100000
	.venv/bin/python bench/import_speed.py
	.venv/bin/python bench/read_api.py --scales 10k 100k 1M
	.venv/bin/python bench/growth.py
	.venv/bin/python bench/search.py 100k
	.venv/bin/python bench/backup.py 1000000 --postgres postgres://postgres@127.0.0.1:5432

# Refresh the vendored chart libraries from the npm registry (see their README.md).
VEGA_DIR = src/nscap/core/static/core/vendor/vega
vendor-vega:
	rm -rf /tmp/nscap-vega && mkdir -p /tmp/nscap-vega && cd /tmp/nscap-vega && npm pack -q vega@6.2.0 vega-lite@6.4.1 vega-embed@7.1.0 && for f in *.tgz; do mkdir -p $${f%.tgz} && tar xzf $$f -C $${f%.tgz}; done
	cp /tmp/nscap-vega/vega-6.2.0/package/build/vega.min.js /tmp/nscap-vega/vega-lite-6.4.1/package/build/vega-lite.min.js /tmp/nscap-vega/vega-embed-7.1.0/package/build/vega-embed.min.js $(VEGA_DIR)/
	sed -i '/^\/\/# sourceMappingURL=/d' $(VEGA_DIR)/*.min.js
