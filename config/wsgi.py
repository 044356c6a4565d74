"""WSGI entry point (gunicorn config.wsgi; runserver goes through it too)."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

if settings.SECRET_KEY_MISSING and not settings.DEBUG:
    raise ImproperlyConfigured("SECRET_KEY doit être défini pour servir Filière quand DEBUG est désactivé.")

if not settings.DEBUG:
    from core.pdf import warm

    warm()  # fonts and PDF stylesheets loaded once (in gunicorn's master, shared by the forked workers)
