"""Error pages, in French and in the site's layout, each with a way back.

400, 403 and 404 are drawn like any page (the person's menu included). The 500 page is static: drawn from the
settings alone, without the request's context processors, session or database, so that it still shows when the
database is down — then as a 503 saying so. A form posted with a stale or missing CSRF token gets its own page.
"""

import sys

from django.http import HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from accounts.context_processors import programme_facts
from core.db_errors import database_unreachable

DEFAULT_FORBIDDEN_REASON = "Votre compte n'a pas accès à cette page."
RETRY_AFTER_SECONDS = 30


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    # The views give their refusals in French (PermissionDenied("Réservé à la coordination…")); Django's own
    # refusals carry no message.
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "errors/403.html", {"reason": reason or DEFAULT_FORBIDDEN_REASON}, status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request=None):
    """Static: no request context, no session, no query."""
    unreachable = database_unreachable(sys.exc_info()[1])
    name, status = ("errors/503.html", 503) if unreachable else ("errors/500.html", 500)
    response = HttpResponse(loader.render_to_string(name, {"programme": programme_facts()}), status=status)
    if unreachable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request, reason=""):
    """A form sent from a page opened too long ago, before a sign-in or sign-out in another tab, or without
    cookies: nothing was saved."""
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "errors/csrf.html", context, status=403)
