"""/api/v1/ (the Workbench's snapshot upload, opened by a token; the documentation and schema, for staff) and
/evidence/<uuid> (a snapshot's item, for staff). Mounted at the site's root by config/urls.py."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from api import views
from api.v1 import api

app_name = "api"


def _ninja_view(name: str):
    """The view django-ninja built for an operation's path (it handles the methods, authentication, errors)."""
    patterns = api.urls[0]
    return next(pattern.callback for pattern in patterns if pattern.name == name)


# Opened by a Workbench token, not by a session: no login page, no CSRF token (django-ninja exempts its views),
# listed in config/public_urls.py as a token-authenticated endpoint.
snapshot_view = login_not_required(_ninja_view("snapshot"))

urlpatterns = [
    path("api/v1/", views.api_docs, name="api-root"),
    path("api/v1/openapi.json", views.api_schema, name="openapi-json"),
    path("api/v1/snapshot/", snapshot_view, name="snapshot"),
    # The same endpoint without its final slash: a redirect would make the client send the whole body again.
    path("api/v1/snapshot", snapshot_view, name="snapshot_without_slash"),
    path("evidence/<str:uuid>", views.evidence, name="evidence"),
    path("evidence/<str:uuid>/", views.evidence, name="evidence_with_slash"),
]
