"""A lost database is told from other errors; commands then print one French line and exit non-zero."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError

from bench.loadtest import free_ports
from core.db_errors import database_unreachable

ROOT = Path(__file__).resolve().parents[2]


def _django_error(kind, cause):
    try:
        try:
            raise cause
        except Exception as driver_error:
            raise kind(str(driver_error)) from driver_error
    except kind as error:
        return error


def test_connection_failures_are_a_lost_database_and_other_errors_are_not():
    refused = _django_error(OperationalError, psycopg.OperationalError("connection refused"))
    shutdown = _django_error(OperationalError, psycopg.errors.AdminShutdown("terminating connection"))
    closed = _django_error(InterfaceError, psycopg.InterfaceError("the connection is closed"))
    deadlock = _django_error(OperationalError, psycopg.errors.DeadlockDetected("deadlock detected"))
    duplicate = _django_error(IntegrityError, psycopg.errors.UniqueViolation("duplicate key"))

    assert database_unreachable(refused) and database_unreachable(shutdown) and database_unreachable(closed)
    assert not database_unreachable(deadlock)  # the server answered: a retry is the caller's business
    assert not database_unreachable(duplicate) and not database_unreachable(ValueError("x"))
    assert not database_unreachable(None)
    try:
        try:
            raise refused
        except DatabaseError as lost:
            raise RuntimeError("while writing") from lost
    except RuntimeError as wrapped:
        assert database_unreachable(wrapped)


def _command(args: list[str], port: int, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/filiere",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def test_every_command_says_in_one_french_line_that_the_database_is_lost(tmp_path):
    """Nothing listens on the database port: each command stops with one line and a non-zero exit, no traceback.
    (The same handling covers every command, manage.py's own included; the fault tests also cut the database in the
    middle of an import.)"""
    port = free_ports(1)[0]
    csv = tmp_path / "materiel.csv"
    csv.write_text(
        "asset_tag,category,brand,model,serial_number,status,received_on,donor,weight_kg,notes\n"
        ",screen,Dell,P2217H,,received,2024-03-15,,,\n"
    )
    commands = [
        ["import_equipment", str(csv)],
        ["handover_sheets", "1", "--output", str(tmp_path / "fiches.pdf")],
        ["import_snapshot", str(ROOT / "tests/data/snapshots/snapshot-workbench11.json")],
        ["bilan", "--year", "2024"],
    ]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda args: _command(args, port, tmp_path), commands))

    for args, result in zip(commands, results, strict=True):
        assert result.returncode == 1, (args, result.stderr[-1500:])
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr[-1500:])
        assert lines[0].startswith(
            f"Erreur : la base de données ne répond pas (base « filiere » sur 127.0.0.1:{port})"
        )
        assert "Relancez-la quand la base répond." in lines[0]
    assert not (tmp_path / "fiches.pdf").exists()


def test_the_traceback_is_still_there_for_whoever_asks(tmp_path):
    result = _command(["bilan", "--year", "2024", "--traceback"], free_ports(1)[0], tmp_path)

    assert result.returncode == 1 and "Traceback" in result.stderr
