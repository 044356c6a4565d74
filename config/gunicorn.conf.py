"""gunicorn settings for `make serve` (and production): `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Workers: Filière's requests are short and spend much of their time in PostgreSQL, so the classic (2 × cores) + 1
sync workers keep every core busy while some wait for the database: 5 on a 2-core machine. Set WEB_CONCURRENCY to
change it (fewer when PostgreSQL runs on the same small machine and memory is short: each worker holds ~100 MB
with WeasyPrint loaded). Long work (big exports, an event's PDFs) goes to the task worker (`manage.py db_worker`),
never to these workers: hence the short timeout.

Database connections are persistent (CONN_MAX_AGE in config/settings.py): each worker keeps its own, so that a page
does not pay for opening one (more than its queries). A connection must never be shared across a fork: pre_fork
closes any the master opened while loading the application.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Load Django once in the master and fork: workers start at once and share the code's memory.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then (bounded memory growth over weeks), not all at the same time.
max_requests = 2000
max_requests_jitter = 200
# Behind a reverse proxy (HTTPS, load balancer): its address, so X-Forwarded-Proto is trusted (comma-separated).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# Access log lines without secrets: donor tracking tokens and other tokens in paths masked, no query strings (a name
# searched in /foyers/?q=…), no cookies (config/gunicorn_logging.py).
logger_class = "config.gunicorn_logging.MaskingLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def pre_fork(server, worker):
    """In the master, before each fork (at start and when a worker is recycled): no database connection is
    inherited by a worker, where two processes would talk over the same socket."""
    from django.db import connections

    connections.close_all()
