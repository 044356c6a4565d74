"""URLs of the benchmark settings only (config.settings_bench): the site plus a bare view, the floor a page's
request handling is compared with. No production URL leads here."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


@login_not_required
def bare(request):
    """The least a Django view can do: no template, no query."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("__bench__/bare/", bare, name="bench_bare"), *site_urlpatterns]
