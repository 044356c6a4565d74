"""Two gunicorn instances on one machine (two territories, a load test beside `make serve`) each keep their own
control socket: starting or stopping one leaves the other's alone."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from bench.loadtest import free_ports

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
GUNICORNC = Path(sys.executable).parent / "gunicornc"


def _config(env: dict) -> dict:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("GUNICORN_", "XDG_"))}
    code = (
        "import json, runpy; c = runpy.run_path('config/gunicorn.conf.py'); "
        "print(json.dumps({'path': c.get('control_socket'), 'off': c['control_socket_disable']}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout)


def test_each_address_gets_its_own_control_socket_and_it_can_be_chosen_or_turned_off(tmp_path):
    home = {"HOME": str(tmp_path)}
    first = _config({**home, "GUNICORN_BIND": "127.0.0.1:8000"})
    second = _config({**home, "GUNICORN_BIND": "127.0.0.1:8001"})
    assert first == {"path": f"{tmp_path}/.gunicorn/filiere-127.0.0.1-8000.ctl", "off": False}
    assert second["path"] != first["path"]
    assert _config({**home, "GUNICORN_CONTROL_SOCKET": "/run/filiere/a.ctl"})["path"] == "/run/filiere/a.ctl"
    assert _config({**home, "GUNICORN_CONTROL_SOCKET": "off"}) == {"path": None, "off": True}
    runtime = tmp_path / "run"
    runtime.mkdir()
    in_runtime = _config({"XDG_RUNTIME_DIR": str(runtime), "PORT": "9000"})
    assert in_runtime["path"] == f"{runtime}/filiere-127.0.0.1-9000.ctl"


def _start(port: int, home: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("GUNICORN_", "XDG_"))},
        "HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    return subprocess.Popen(
        [GUNICORN, "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _workers(socket: Path) -> list:
    output = subprocess.run(
        [GUNICORNC, "-s", str(socket), "-c", "show workers", "-j"], capture_output=True, text=True, timeout=20
    )
    assert output.returncode == 0, output.stderr
    return json.loads(output.stdout)["workers"]


def _wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


@pytest.fixture
def short_home():
    """A home folder with a short path: a Unix socket's path holds at most 107 bytes, which pytest's own temporary
    folders pass under parallel runs (…/popen-gw0/test_two_instances…/.gunicorn/filiere-127.0.0.1-58097.ctl)."""
    home = Path(tempfile.mkdtemp(prefix="gu-"))
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.mark.postgres
def test_two_instances_keep_separate_control_sockets_and_stopping_one_spares_the_other(short_home):
    ports = free_ports(2)
    servers = [_start(port, short_home) for port in ports]
    sockets = [short_home / ".gunicorn" / f"filiere-127.0.0.1-{port}.ctl" for port in ports]
    try:
        for socket in sockets:
            _wait_for(socket)
        assert len(_workers(sockets[0])) == 1 and len(_workers(sockets[1])) == 1
        servers[1].send_signal(signal.SIGTERM)
        servers[1].wait(timeout=60)
        assert not sockets[1].exists()
        assert sockets[0].exists() and len(_workers(sockets[0])) == 1  # the first instance still answers
        assert not (short_home / ".gunicorn" / "gunicorn.ctl").exists()
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=60)
