"""The kinds of background work and the function that does each, registered by the app that owns the work.

A runner takes the Job and does the work: it reports progress with jobs.services.job_progress and leaves its
result with job_attach_file (a file to download) or its return value (the summary). To add a kind, write the runner
beside the feature and register it in that app's AppConfig.ready() with runner_register(kind, runner, …): jobs
knows no domain app.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class RunnerSpec:
    runner: Callable
    # Interrupted work (worker stopped or killed, database lost) is started again only when doing it twice is
    # harmless: a file produced again, an all-or-nothing import that records its end in its own transaction.
    retry_safe: bool = False
    # « Relancer » on a failed job asks for the same work again (same parameters); off when the job's input is gone
    # once it ended (an uploaded file): the page then points to `start_url_name` instead.
    relaunchable: bool = True
    start_url_name: str = ""
    # Who may ask for this work (checked again when relaunching): None lets anyone who could see the job.
    may_start: Callable | None = None
    # Called once when the job ends for good (done or failed, whoever ended it): clean-up of its inputs.
    on_end: Callable | None = None


RUNNERS: dict[str, RunnerSpec] = {}


def runner_register(
    kind: str,
    runner: Callable,
    *,
    retry_safe: bool = False,
    relaunchable: bool = True,
    start_url_name: str = "",
    may_start: Callable | None = None,
    on_end: Callable | None = None,
) -> None:
    existing = RUNNERS.get(kind)
    if existing is not None and existing.runner is not runner:
        raise ValueError(f"Background job kind {kind!r} is already registered to {existing.runner!r}")
    RUNNERS[kind] = RunnerSpec(
        runner=runner,
        retry_safe=retry_safe,
        relaunchable=relaunchable,
        start_url_name=start_url_name,
        may_start=may_start,
        on_end=on_end,
    )
