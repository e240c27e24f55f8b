.PHONY: install test test-pg lint format serve demo messages bench

install:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'

test:
	.venv/bin/pytest

test-pg:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/pytest

lint:
	.venv/bin/ruff check src tests bench conftest.py && .venv/bin/ruff format --check src tests bench conftest.py
	DJANGO_SETTINGS_MODULE=nscap.test_settings .venv/bin/django-admin makemigrations --check --dry-run

format:
	.venv/bin/ruff check --fix src conftest.py && .venv/bin/ruff format src conftest.py

demo:
	.venv/bin/nscap demo

serve:
	.venv/bin/nscap serve

messages:
	cd src/nscap && DJANGO_SETTINGS_MODULE=nscap.test_settings ../../.venv/bin/django-admin makemessages -l zh_Hans && DJANGO_SETTINGS_MODULE=nscap.test_settings ../../.venv/bin/django-admin compilemessages

bench:
	.venv/bin/python bench/resolution.py
	.venv/bin/python bench/pages.py
	.venv/bin/python bench/read_api.py --scales 10k 100k 1M
	.venv/bin/python bench/growth.py
