"""Filière's HTTP API, version 1 (django-ninja): the snapshot upload eReuse's workbench-script speaks.

    POST /api/v1/snapshot/   Authorization: Bearer <token>, Content-Type: application/json, the snapshot as body

Answers, always JSON (UTF-8), errors as {"error": …, "details": …} in French — the Workbench prints the body of an
error in its log, for the technician to read:

    200 {"status": "success", "dhid": <asset tag>, "public_url": <the item's page>}  new, updated or already imported
    400 not readable JSON (empty, not UTF-8, syntax error, truncated)
    401 token missing, unknown or revoked
    413 larger than FILE_UPLOAD_MAX_SIZE (as the workshop's uploads)
    422 JSON, but not a snapshot Filière can take (the reason given)
    429 too many uploads for this token in the hour (Retry-After)

The upload goes through the same service as the workshop's upload page and `import_snapshot`; a refused upload
writes nothing. The Workbench retries on anything but 2xx, and re-posts the body on a redirect: this path answers
itself, with or without its final slash.
"""

import logging
import time
from typing import Literal

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from ninja import NinjaAPI, Schema, Status
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from api.services import TokenRefused, workbench_token_authenticate
from core.ratelimit import RateLimit, client_address
from equipment.enums import SnapshotChannel
from equipment.snapshots import MALFORMED_CODES, SnapshotError
from equipment.snapshots.services import snapshot_ingest

logger = logging.getLogger(__name__)

# A client whose body is refused (too large, bad token) is still sending it: read and drop up to this much, so
# that it reads the answer instead of a reset connection (and does not retry blindly).
_DRAIN_FACTOR = 4


class ApiError(Exception):
    """An answer other than success: HTTP status, short error, details (French), extra headers."""

    def __init__(self, status: int, error: str, details: str, headers: dict | None = None):
        super().__init__(error)
        self.status, self.error, self.details, self.headers = status, error, details, headers or {}


class SnapshotAccepted(Schema):
    status: Literal["success"]
    dhid: str
    public_url: str


class ErrorOut(Schema):
    error: str
    details: str


class FrenchJSONRenderer(JSONRenderer):
    """Accents as they are (the Workbench prints an error's body in its log), not as \\u00e9 escapes."""

    json_dumps_params = {"ensure_ascii": False}

    def render(self, request, data, *, response_status):
        return super().render(request, data, response_status=response_status).encode()


class WorkbenchBearer(HttpBearer):
    """`Authorization: Bearer <token>` with a Workbench token; never logs the header (django-ninja's own bearer
    logs it when DEBUG is on)."""

    def __call__(self, request):
        value = request.headers.get("Authorization", "").strip()
        scheme, _, key = value.partition(" ")
        if not value:
            raise ApiError(
                401,
                "Jeton manquant",
                "L'envoi doit porter l'en-tête « Authorization: Bearer <jeton> » : écrivez le jeton Workbench "
                "donné par l'atelier après « token = » dans settings.ini.",
            )
        if scheme.lower() != "bearer":
            raise ApiError(401, "Jeton manquant", "L'en-tête Authorization doit être de la forme « Bearer <jeton> ».")
        return self.authenticate(request, key)

    def authenticate(self, request, token):
        try:
            return workbench_token_authenticate(key=token, address=client_address(request))
        except TokenRefused as refused:
            raise ApiError(401, "Jeton refusé", refused.reason) from None


api = NinjaAPI(
    title="API de Filière",
    version="1",
    description=(
        "Envoi direct des rapports matériels par l'eReuse Workbench (workbench-script) : "
        "`POST /api/v1/snapshot/` avec l'en-tête `Authorization: Bearer <jeton>` et le rapport JSON tel que le "
        "Workbench l'écrit sur sa clé. Les jetons se créent dans l'atelier (« Jetons Workbench ») ou par "
        '`python manage.py workbench_token NOM`. Les erreurs sont en JSON `{"error": …, "details": …}`.'
    ),
    urls_namespace="api",
    docs_url=None,  # the documentation page and the schema are served by api.views, for signed-in staff only
    openapi_url=None,
    renderer=FrenchJSONRenderer(),
)


def _error(request, status: int, error: str, details: str, headers: dict | None = None):
    _drain(request)
    response = api.create_response(request, {"error": error, "details": details}, status=status)
    response["Content-Type"] = "application/json; charset=utf-8"
    for name, value in (headers or {}).items():
        response[name] = value
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="Filière"'
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.status, exc.error, exc.details, exc.headers)


@api.exception_handler(Exception)
def _unexpected(request, exc: Exception):
    # A fault of ours, not of the file: logged (the path and the error, never the request's headers), and said
    # in the client's terms. The Workbench will retry; the import, one transaction, wrote nothing.
    logger.error("Workbench upload failed: %s", type(exc).__name__, exc_info=exc)
    return _error(
        request,
        500,
        "Erreur du serveur",
        "Le rapport n'a pas pu être enregistré à cause d'une erreur de Filière ; rien n'a été écrit. Le Workbench "
        "va réessayer ; si l'erreur persiste, gardez le fichier et importez-le depuis l'atelier.",
    )


def _drain(request) -> None:
    """Read what is left of the body (bounded), so that the client reads our answer."""
    try:
        left = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if left > _DRAIN_FACTOR * settings.FILE_UPLOAD_MAX_SIZE:
        return
    try:
        while request.read(64 * 1024):
            pass
    except Exception:  # noqa: S110 — a client gone already: nothing to answer to
        pass


def _body(request) -> bytes:
    """The request's body, refused beyond the workshop's upload limit (without reading more than that)."""
    limit = settings.FILE_UPLOAD_MAX_SIZE
    too_large = ApiError(
        413,
        "Rapport trop volumineux",
        f"Le rapport dépasse la taille maximale des envois ({filesizeformat(limit)}).",
    )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_large
    chunks, size = [], 0
    while size <= limit:
        chunk = request.read(min(256 * 1024, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise too_large
    return b"".join(chunks)


def public_url(request, path: str) -> str:
    """An absolute address on this site: FILIERE_PUBLIC_URL when set (behind a proxy), else the request's."""
    base = settings.FILIERE["PUBLIC_URL"]
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _rate_limit(token) -> None:
    per_hour = settings.FILIERE["WORKBENCH_UPLOADS_PER_HOUR"]
    limit = RateLimit(scope="workbench-upload", limit=per_hour, window=3600)
    if limit.hit(f"token-{token.pk}") > per_hour:
        wait = int(limit.window - time.time() % limit.window) + 1
        raise ApiError(
            429,
            "Trop d'envois",
            f"Ce jeton a envoyé plus de {per_hour} rapports dans l'heure : réessayez dans {wait // 60 + 1} minutes.",
            headers={"Retry-After": str(wait)},
        )


ERRORS = {code: ErrorOut for code in (400, 401, 409, 413, 422, 429, 500)}


@api.post(
    "/snapshot/",
    auth=WorkbenchBearer(),
    url_name="snapshot",
    response={200: SnapshotAccepted, **ERRORS},
    summary="Envoyer un rapport matériel",
    description=(
        "Le rapport JSON du Workbench (Workbench 11/12 ou workbench-script) en corps de requête. Le matériel est "
        "retrouvé par son numéro de série, ou créé ; le rapport le plus récemment *pris* décide de sa fiche. "
        "Renvoyer le même rapport (même `uuid`) ne change rien et donne la même réponse. Codes : 400 JSON "
        "illisible, 401 jeton manquant, inconnu ou révoqué, 413 trop volumineux, 422 pas un rapport utilisable, "
        "429 trop d'envois pour ce jeton."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "Le rapport tel que le Workbench l'écrit (uuid, type « Snapshot », "
                        "device/components ou data…).",
                    }
                }
            },
        }
    },
)
def snapshot_upload(request):
    token = request.auth
    _rate_limit(token)
    body = _body(request)
    try:
        outcome = snapshot_ingest(data=body, by=token.technician, channel=SnapshotChannel.API, sender=token.name)
    except SnapshotError as error:
        details = " ".join(error.messages)
        if error.code in MALFORMED_CODES:
            raise ApiError(400, "JSON illisible", details) from None
        if error.code == "conflict":
            raise ApiError(409, "Envoi simultané", details) from None
        raise ApiError(422, "Rapport refusé", details) from None
    item = outcome.item
    return Status(
        200, {"status": "success", "dhid": item.asset_tag, "public_url": public_url(request, item.get_absolute_url())}
    )


@api.get("/snapshot/", auth=None, include_in_schema=False)
def snapshot_get(request):
    raise ApiError(
        405,
        "Méthode non acceptée",
        "Envoyez le rapport par POST, avec l'en-tête « Authorization: Bearer <jeton> ».",
        headers={"Allow": "POST"},
    )
