"""Under CI (`CI=true`) no test may be skipped: one that cannot run on the machine fails, saying which and why —
in a parallel run too, where an error raised while collecting stopped a worker behind an unreadable INTERNALERROR."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BROWSER_TEST = "tests/e2e/test_every_role.py::test_the_public_pages_pass_axe_at_1280_px_and_on_a_phone"
TEXT_TESTS = "tests/core/test_text.py"  # pure functions: run anywhere


def test_under_ci_a_test_that_cannot_run_here_fails_with_its_reason_and_the_others_run(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.pop("REDIS_URL", None)  # the parent run's workers use numbered Redis databases: stay clear of them
    env.update(CI="true", CHROMIUM_PATH=str(tmp_path / "pas-de-chromium"), DATABASE_URL="sqlite:///:memory:")

    run = subprocess.run(  # noqa: S603 — this interpreter's pytest on this project's tests
        [sys.executable, "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider", BROWSER_TEST, TEXT_TESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "INTERNALERROR" not in output
    assert "test_the_public_pages_pass_axe" in output
    assert "Sous CI, aucun test ne doit être ignoré : Chromium introuvable" in output
    assert " passed" in output  # the tests that can run still ran
