"""`make serve` (scripts/serve): several workers only with a cache they all share, or limits count per worker."""

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _serve(**env):
    base = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "WEB_CONCURRENCY"}}
    # A database nobody listens on: the script must stop before it.
    base["DATABASE_URL"] = "postgres://postgres@127.0.0.1:1/filiere_serve_test"
    return subprocess.run(
        [str(ROOT / "scripts" / "serve")], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_several_workers_without_a_shared_cache_are_refused_in_french():
    result = _serve(WEB_CONCURRENCY="5")
    assert result.returncode == 2
    assert "refuse de démarrer 5 workers sans cache partagé" in result.stderr
    assert "REDIS_URL=redis://127.0.0.1:6379/0" in result.stderr and "WEB_CONCURRENCY=1" in result.stderr


def test_the_default_worker_count_is_refused_too_without_a_shared_cache():
    result = _serve()
    assert result.returncode == 2 and "sans cache partagé" in result.stderr


def test_a_redis_that_does_not_answer_is_named_without_its_address():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free, and closed again: nothing answers there
    result = _serve(WEB_CONCURRENCY="5", REDIS_URL=f"redis://:secret-password@127.0.0.1:{port}/0")
    assert result.returncode == 2
    assert "Redis ne répond pas" in result.stderr and "secret-password" not in result.stderr
