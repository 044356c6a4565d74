"""Faults, for real: a PostgreSQL server of the tests' own is killed (`pg_ctl stop -m immediate`) in the middle of an
import job and of the import command, then started again; a task worker is killed (kill -9) in the middle of a job,
and another is stopped by two SIGTERMs. Each time the job ends — done with every row, or given back and then done —
and nothing is lost or half-written: the file's items, their history rows and status-log rows, each exactly once.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from equipment.imports.csv_rows import HEADER
from tests.ops.cluster import Cluster, binaries

ROOT = Path(__file__).resolve().parents[2]
ROWS = 20_000
WRITING = "Enregistrement des matériels"

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    """Started once for the module, with the test database's schema (copied by pg_dump, faster than migrating)."""
    bindir = binaries()
    if bindir is None:
        pytest.skip("PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin): Debian package postgresql")
    server = Cluster(bindir)
    try:
        server.init()
        server.start()
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE filiere")
        with django_db_blocker.unblock():
            settings = connection.settings_dict
        source = f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        source += f"{settings['PORT'] or 5432}/{settings['NAME']}"
        schema = subprocess.run(
            [bindir / "pg_dump", "--schema-only", "--no-owner", "--no-privileges", f"--dbname={source}"],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        subprocess.run(
            [bindir / "psql", "-q", "-v", "ON_ERROR_STOP=1", f"--dbname={server.url('filiere')}"],
            input=schema,
            capture_output=True,
            check=True,
            timeout=120,
        )
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def env(cluster, media):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": cluster.url("filiere"),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(media),
        # Beats every half second; a job silent for 3 s is taken back (60 s in production).
        "JOB_HEARTBEAT_SECONDS": "0.5",
        "JOB_STALE_SECONDS": "3",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture(scope="module")
def driver(env):
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.ops.fault_driver"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def ask(**command) -> dict:
        process.stdin.write(json.dumps(command) + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    yield ask
    process.stdin.close()
    process.wait(timeout=30)


def _csv(folder: Path, prefix: str) -> Path:
    path = folder / f"{prefix.lower()}.csv"
    lines = [",".join(HEADER)]
    lines += [
        f"{prefix}-{n:06d},{'screen' if n % 2 else 'desktop'},Dell,P2217H,{prefix}SN{n:07d},received,2024-03-15,"
        f"Médiathèque de Denain,4.2,"
        for n in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _query(cluster, sql: str, params=()) -> tuple:
    for _ in range(60):  # the server may be starting again
        try:
            with psycopg.connect(cluster.url("filiere"), autocommit=True, connect_timeout=5) as db:
                return db.execute(sql, params).fetchone()
        except psycopg.OperationalError:
            time.sleep(0.5)
    raise AssertionError("the fault tests' PostgreSQL does not answer")


def _job(cluster, job_id: str) -> dict:
    row = _query(cluster, "SELECT status, stage, attempts, error, progress_done FROM jobs_job WHERE id = %s", [job_id])
    return dict(zip(["status", "stage", "attempts", "error", "done"], row, strict=True))


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def _written(cluster, prefix: str) -> dict:
    """Items of the file, with their history and status-log rows: all or none, each exactly once."""
    items, history, log = _query(
        cluster,
        "SELECT (SELECT count(*) FROM equipment_item WHERE asset_tag LIKE %(p)s), "
        "(SELECT count(*) FROM equipment_historicalitem WHERE asset_tag LIKE %(p)s), "
        "(SELECT count(*) FROM equipment_statuschange s JOIN equipment_item i ON i.id = s.item_id "
        " WHERE i.asset_tag LIKE %(p)s)",
        {"p": f"{prefix}-%"},
    )
    return {"items": items, "history": history, "status_log": log}


def _worker(env, *, logfile: Path, script: bool = False) -> subprocess.Popen:
    args = ["--interval", "0.2", "--no-startup-delay"]
    command = [str(ROOT / "scripts/worker"), *args] if script else [sys.executable, "manage.py", "db_worker", *args]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "PYTHON": sys.executable},
        stdout=logfile.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def _running(cluster, job_id: str, *, writing: bool, timeout: float = 90):
    """Wait until the job runs (and, if asked, writes its rows: inside its transaction)."""

    def ready():
        state = _job(cluster, job_id)
        assert state["status"] not in {"done", "failed"}, f"the job ended before the fault: {state}"
        return state["status"] == "running" and (not writing or state["stage"] == WRITING)

    _wait(ready, timeout, "the job to run")


def _ended(cluster, job_id: str, timeout: float = 150) -> dict:
    return _wait(
        lambda: (state := _job(cluster, job_id))["status"] in {"done", "failed"} and state, timeout, "the job to end"
    )


def test_the_database_dies_mid_import_job_the_worker_waits_for_it_and_the_job_ends_whole(
    cluster, env, driver, media, tmp_path
):
    asked = driver(do="enqueue_import", path=str(_csv(tmp_path, "A")))
    worker = _worker(env, logfile=tmp_path / "worker.log")
    try:
        _running(cluster, asked["job"], writing=True)
        cluster.crash()
        time.sleep(1)
        cluster.start()

        state = _ended(cluster, asked["job"])

        assert state["status"] == "done", (state, (tmp_path / "worker.log").read_text()[-3000:])
        assert _written(cluster, "A") == {"items": ROWS, "history": ROWS, "status_log": ROWS}
        assert worker.poll() is None  # the worker lived through the outage
        assert not (media / "imports" / asked["file"]).exists()  # the uploaded file went with the job's end
        # …and it still works: its heartbeat is fresh, and coordination would see it alive.
        assert _query(cluster, "SELECT count(*) FROM jobs_taskworker WHERE beat_at > now() - interval '3 seconds'")[0]
    finally:
        _end(worker)


def test_a_worker_killed_mid_job_is_started_again_and_its_job_taken_back(cluster, env, driver, tmp_path):
    """`make worker` (scripts/worker) starts the worker again; the job of the killed one is taken back."""
    asked = driver(do="enqueue_import", path=str(_csv(tmp_path, "B")))
    loop = _worker(env, logfile=tmp_path / "worker.log", script=True)
    try:
        _running(cluster, asked["job"], writing=False)
        first = _wait(lambda: _children(loop.pid), 30, "the worker process")[0]
        os.kill(first, signal.SIGKILL)

        state = _ended(cluster, asked["job"])

        assert state["status"] == "done" and state["attempts"] == 2, (state, (tmp_path / "worker.log").read_text())
        assert _written(cluster, "B") == {"items": ROWS, "history": ROWS, "status_log": ROWS}
        again = _children(loop.pid)
        assert again and again[0] != first  # a new worker process
        assert "Le serveur de tâches s'est arrêté (code 137) : redémarrage" in (tmp_path / "worker.log").read_text()
        loop.send_signal(signal.SIGTERM)  # as systemd or kill would: to the loop, which passes it on
        assert loop.wait(timeout=60) == 0 and not _children(loop.pid)
    finally:
        _end(loop)


def test_a_worker_stopped_twice_mid_job_gives_the_job_back_then_another_finishes_it(cluster, env, driver, tmp_path):
    asked = driver(do="enqueue_import", path=str(_csv(tmp_path, "C")))
    worker = _worker(env, logfile=tmp_path / "worker.log")
    try:
        _running(cluster, asked["job"], writing=False)
        worker.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    finally:
        _end(worker)

    state = _job(cluster, asked["job"])
    assert (state["status"], state["attempts"]) == ("queued", 1), (state, (tmp_path / "worker.log").read_text())
    assert _written(cluster, "C") == {"items": 0, "history": 0, "status_log": 0}  # nothing half-written
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
    )
    assert _job(cluster, asked["job"])["status"] == "done"
    assert _written(cluster, "C") == {"items": ROWS, "history": ROWS, "status_log": ROWS}


def test_the_import_command_says_in_french_that_the_database_died_and_wrote_nothing(cluster, env, tmp_path):
    path = _csv(tmp_path, "D")
    command = subprocess.Popen(
        [sys.executable, "manage.py", "import_equipment", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    copying = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY %%' AND pid <> pg_backend_pid()"
    _wait(lambda: command.poll() is not None or _query(cluster, copying)[0], 120, "the import's COPY")
    cluster.crash()
    _, stderr = command.communicate(timeout=120)
    cluster.start()

    assert command.returncode == 1, stderr
    assert stderr.strip().splitlines() == [
        f"Erreur : la base de données ne répond pas (base « filiere » sur 127.0.0.1:{cluster.port}) ; la commande "
        "s'est arrêtée et ce qu'elle était en train d'enregistrer ne l'a pas été (tout ou rien). Relancez-la quand "
        "la base répond."
    ]
    assert _written(cluster, "D") == {"items": 0, "history": 0, "status_log": 0}
