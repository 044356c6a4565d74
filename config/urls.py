from importlib import import_module

from django.contrib import admin
from django.urls import URLPattern, include, path

from accounts.decorators import access_required
from accounts.permissions import Capability
from home import views as home_views

admin.site.site_header = "Filière — atelier"
admin.site.site_title = "Filière"
admin.site.index_title = "Atelier de reconditionnement"
# No left-hand list of models on every page: it took 276 px, and the item list did not fit 1280 px beside its
# filters. The workshop's home page and the breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False
admin.site.empty_value_display = "—"


def guarded(urlconf: str, capability: Capability):
    """An app's URLconf with every view behind the one access check. For apps below accounts in the layers
    (security: a user's own second factor), which cannot import the decorator themselves."""
    module = import_module(urlconf)
    patterns = [
        URLPattern(pattern.pattern, access_required(capability)(pattern.callback), pattern.default_args, pattern.name)
        for pattern in module.urlpatterns
    ]
    return patterns, module.app_name


urlpatterns = [
    path("", home_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include(guarded("security.urls", Capability.ACCOUNT))),
    path("admin/", admin.site.urls),
    path("dons/", include("donations.urls")),
    path("distributions/", include("distributions.urls")),
    path("foyers/", include("beneficiaries.urls")),
    path("foyers/", include("privacy.urls")),
    path("materiel/", include("equipment.urls")),
    path("tableau-de-bord/", include("reports.urls")),
    path("structures/", include("accounts.structures.urls")),
    path("taches/", include("jobs.urls")),
    # /api/v1/ (Workbench snapshot upload, its documentation) and /evidence/<uuid>.
    path("", include("api.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
