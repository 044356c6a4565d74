"""Pages of the API for people: its documentation and schema (signed-in staff), and the evidence link the
Workbench prints as a QR code after an upload (`/evidence/<snapshot uuid>`)."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.decorators import access_required
from accounts.permissions import Capability
from api.v1 import api
from equipment.models import SnapshotImport


@access_required(Capability.WORKBENCH_TOKENS)
def api_docs(request):
    """The API's interactive documentation (Swagger UI, served from our static files: no CDN, no inline script)."""
    settings = {"url": reverse("api:openapi-json"), "layout": "BaseLayout", "deepLinking": True}
    return render(request, "api/docs.html", {"swagger_settings": settings, "api": api})


@access_required(Capability.WORKBENCH_TOKENS)
def api_schema(request):
    """The OpenAPI schema of the API."""
    schema = api.get_openapi_schema(path_prefix=reverse("api:api-root"))
    return JsonResponse(schema, json_dumps_params={"ensure_ascii": False})


@access_required(Capability.EQUIPMENT)
def evidence(request, uuid):
    """The page of the item a snapshot describes (the QR code workbench-script prints after an upload)."""
    tags = SnapshotImport.objects.filter(uuid=uuid).values_list("item__asset_tag", flat=True)
    return redirect("equipment:detail", get_object_or_404(tags))
