"""Database connections when serving: persistent and checked (a page does not pay for opening a PostgreSQL
connection, and a connection lost by a database restart is replaced rather than shown as an error page), never
inherited by a gunicorn worker from the master."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _database_settings(env: dict) -> dict:
    code = (
        "import json; from config import settings as s; d = s.DATABASES['default']; "
        "print(json.dumps({'age': d['CONN_MAX_AGE'], 'checks': d['CONN_HEALTH_CHECKS']}))"
    )
    clean = {key: value for key, value in os.environ.items() if key not in {"CONN_MAX_AGE", "DEBUG"}}
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout)


def test_connections_are_persistent_and_checked_when_serving():
    assert _database_settings({"DEBUG": "0"}) == {"age": 60, "checks": True}
    assert _database_settings({"DEBUG": "0", "CONN_MAX_AGE": "300"}) == {"age": 300, "checks": True}


def test_runserver_opens_one_connection_per_request():
    """Under DEBUG (runserver, a thread per request) persistent connections would be left behind by each thread."""
    assert _database_settings({"DEBUG": "1"})["age"] == 0


@pytest.mark.django_db(transaction=True)  # outside a test transaction, so that close() really closes
@pytest.mark.postgres  # SQLite's in-memory test database is never closed by Django
def test_gunicorn_master_closes_its_connections_before_forking_a_worker():
    hooks = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    connection.ensure_connection()
    assert connection.connection is not None
    hooks["pre_fork"](server=None, worker=None)
    assert connection.connection is None
    with connection.cursor() as cursor:  # the next query opens a new one
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_gunicorn_runs_two_workers_per_core_plus_one():
    env = {key: value for key, value in os.environ.items() if key != "WEB_CONCURRENCY"}
    code = "import runpy; print(runpy.run_path('config/gunicorn.conf.py')['workers'])"
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert int(output.stdout) == os.cpu_count() * 2 + 1
