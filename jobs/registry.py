"""The kinds of background work and the function that does each (a dotted path, imported by the worker).

A runner takes the Job and does the work: it reports progress with jobs.services.job_progress and leaves its
result with job_attach_file (a file to download) or job.result_summary. To add a kind (an event's handover sheets,
a big import), write the runner beside the feature and add one line here.
"""

RUNNERS = {
    "equipment.items_export": "equipment.export_jobs.items_export_run",
    "distributions.handover_sheets": "jobs.runners.handover_sheets_run",
}
