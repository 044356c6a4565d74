"""Asks for background work on the fault tests' own PostgreSQL, as the pages would: one JSON command per line on
stdin, one JSON answer per line on stdout (a process of its own: the tests' process is bound to the test database).

    python -m tests.ops.fault_driver      (DATABASE_URL, MEDIA_ROOT, TASKS_BACKEND from the environment)
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402

from accounts.models import User  # noqa: E402
from equipment.imports.jobs import IMPORT_KIND  # noqa: E402
from equipment.imports.pending import pending_store  # noqa: E402
from jobs.tasks import job_enqueue  # noqa: E402
from tests.accounts.factories import UserFactory  # noqa: E402


def _technician() -> User:
    return User.objects.filter(username="technicien-pannes").first() or UserFactory(
        username="technicien-pannes", technician=True
    )


def enqueue_import(path: str) -> dict:
    content = open(path, "rb").read()
    name = os.path.basename(path)
    params = pending_store({}, content=content, filename=name)
    job = job_enqueue(kind=IMPORT_KIND, title=f"Import de « {name} »", by=_technician(), params=params)
    return {"job": str(job.pk), "file": params["name"]}


def main() -> None:
    for line in sys.stdin:
        command = json.loads(line)
        connections.close_all()  # the server may have been restarted since the last command
        if command["do"] == "enqueue_import":
            answer = enqueue_import(command["path"])
        else:
            answer = {"error": f"unknown command {command['do']}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
