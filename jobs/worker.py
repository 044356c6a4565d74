"""django-tasks-db's worker, made to last: it survives a database outage (waits with growing pauses, reconnects,
goes on), records the end of a task even if the database blinked at that moment, and beats a heartbeat (see
jobs.heartbeat) that lets any other worker take back its job if it dies.

Signals, as in the library: a first SIGTERM (or Ctrl+C) lets the running job finish, then stops; a second one stops
at once — the job is then given back to the queue (or failed with a French reason) before the process exits.
"""

import logging
import time

from django.db import connections
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker as LibraryWorker
from django_tasks_db.models import DBTaskResult

from core.db_errors import database_unreachable, until_database_answers

logger = logging.getLogger("django_tasks_db")
# Pauses between attempts to reach a database that went away: 1, 2, 4… seconds, at most MAX_PAUSE.
MAX_PAUSE = 30.0
# A task's result waits this long for the database before it is given up (the job itself is ended by job_run).
RESULT_PATIENCE = 15 * 60.0


class Worker(LibraryWorker):
    def run(self) -> None:
        pause, last_outage = 1.0, 0.0
        while True:
            try:
                super().run()
                return
            except Exception as error:
                if not database_unreachable(error):
                    raise
                if not self.running:
                    return
                if time.monotonic() - last_outage > 2 * MAX_PAUSE:
                    pause = 1.0  # a new outage, not the same one going on
                logger.warning(
                    "Database unreachable (%s): worker %s waits %.0f s and tries again",
                    str(error).strip(),
                    self.worker_id,
                    pause,
                )
                connections.close_all()
                self.startup_delay = False
                time.sleep(pause)
                last_outage = time.monotonic()
                pause = min(pause * 2, MAX_PAUSE)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """The library's run_task, but the task's result waits for the database instead of killing the worker."""
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs)
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            until_database_answers(
                lambda: db_task_result.set_successful(value), patience=RESULT_PATIENCE, what="a task's result"
            )
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except BaseException as error:
            try:
                until_database_answers(
                    lambda failure=error: db_task_result.set_failed(failure),
                    patience=RESULT_PATIENCE,
                    what="a task's failure",
                )
            except Exception:
                logger.exception("Failure of task %s not recorded", db_task_result.id)
            else:
                try:
                    sender = type(db_task_result.task.get_backend())
                    task_finished.send(sender=sender, task_result=db_task_result.task_result)
                except Exception:
                    logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
        finally:
            self.running_task = False
            self._run_tasks += 1
