"""python manage.py db_worker — django-tasks-db's command, with Filière's worker (jobs.worker): a heartbeat, stale
jobs taken back, a database outage waited out. Same options as the library's."""

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from jobs.heartbeat import Heartbeat, worker_id_new
from jobs.reclaim import worker_housekeeping
from jobs.worker import Worker


class Command(db_worker.Command):
    help = (
        "Fait les travaux en arrière-plan (exports, lots de PDF, imports) ; signale qu'il est en vie, reprend les "
        "travaux d'un serveur de tâches disparu et attend le retour de la base de données si elle tombe."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id_new())

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues ne s'utilise qu'avec --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        heartbeat = Heartbeat(worker_id, interval=settings.JOBS["HEARTBEAT_SECONDS"], housekeeping=worker_housekeeping)
        # No autoreload here (--reload is ignored): a reloaded worker would leave its job to the reclaim.
        worker.configure_signals()
        heartbeat.start()
        try:
            worker.run()
        finally:
            heartbeat.stop()
