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
import re

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


def _control_socket_path(bind_address: str) -> str | None:
    """gunicorn's control socket (for `gunicornc`): one per instance, or none.

    gunicorn's default is one path per user ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl): a second
    instance on the machine (a second territory, a load test beside `make serve`) took the first one's socket, and
    stopping either removed it for both. The path here is named after the instance's address, which only one
    instance can listen on. GUNICORN_CONTROL_SOCKET chooses the path; set to "" or "off", there is none.
    """
    chosen = os.environ.get("GUNICORN_CONTROL_SOCKET")
    if chosen is not None:
        return None if chosen.strip().lower() in {"", "off", "none", "0", "false"} else chosen
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = runtime if runtime and os.path.isdir(runtime) else os.path.join(os.path.expanduser("~"), ".gunicorn")
    return os.path.join(folder, f"filiere-{re.sub(r'[^0-9A-Za-z.-]+', '-', bind_address).strip('-')}.ctl")


_control_socket = _control_socket_path(bind)
control_socket_disable = _control_socket is None
if _control_socket is not None:
    control_socket = _control_socket


def pre_fork(server, worker):
    """In the master, before each fork (at start and when a worker is recycled): no database connection is
    inherited by a worker, where two processes would talk over the same socket."""
    from django.db import connections

    connections.close_all()
