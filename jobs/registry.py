"""The kinds of background work and the function that does each, registered by the app that owns the work.

A runner takes the Job and does the work: it reports progress with jobs.services.job_progress and leaves its
result with job_attach_file (a file to download) or job.result_summary. To add a kind, write the runner beside the
feature and register it in that app's AppConfig.ready() with runner_register(kind, runner): jobs knows no domain app.
"""

from collections.abc import Callable

RUNNERS: dict[str, Callable] = {}


def runner_register(kind: str, runner: Callable) -> None:
    existing = RUNNERS.get(kind)
    if existing is not None and existing is not runner:
        raise ValueError(f"Background job kind {kind!r} is already registered to {existing!r}")
    RUNNERS[kind] = runner
