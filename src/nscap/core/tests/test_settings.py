"""Database settings taken from DATABASE_URL."""

from __future__ import annotations

import pytest
from django.db import connection

from nscap.settings import database_config


def test_postgresql_connections_turn_jit_off(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/nscap")
    config = database_config()
    assert config["OPTIONS"]["options"] == "-c jit=off"
    assert config["CONN_MAX_AGE"] > 0


def test_sqlite_url_keeps_wal_and_immediate_transactions(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.sqlite3")
    config = database_config()
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "options" not in config["OPTIONS"]


@pytest.mark.django_db
def test_the_running_postgresql_connection_has_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
