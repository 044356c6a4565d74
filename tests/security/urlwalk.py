"""Every URL pattern of config.urls, found by walking the resolver (apps, admin, and whatever is added later),
with plausible values for its parameters: existing objects when there is one, dummy values otherwise."""

import inspect
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from config.public_urls import PUBLIC_URL_NAMES


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or "namespace:?<route>" for an unnamed pattern
    parts: tuple  # the pattern objects from the root to the view
    callback: object = field(compare=False)

    @property
    def route(self) -> str:
        return "".join(str(part) for part in self.parts)

    @property
    def is_public(self) -> bool:
        return not getattr(self.callback, "login_required", True)

    @property
    def view_key(self) -> str:
        """What the view really is: the class of a class-based view, else the innermost wrapped function."""
        view_class = getattr(self.callback, "view_class", None)
        target = view_class or inspect.unwrap(self.callback)
        target = getattr(target, "__func__", target)  # bound methods (the admin site's views)
        return f"{target.__module__}.{target.__qualname__}"

    def __str__(self):
        return f"{self.name} /{self.route}"


def _walk(patterns, parts=(), namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, (*parts, pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            route = (*parts, pattern.pattern)
            local = pattern.name or "?" + "".join(str(part) for part in route)
            yield Route(f"{namespace}:{local}" if namespace else local, route, pattern.callback)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def public_names() -> set[str]:
    return set(PUBLIC_URL_NAMES)


# --- Plausible values --------------------------------------------------------------------------------------------

PK_MODEL_BY_NAMESPACE = {
    "donations": "donation",
    "distributions": "event",
    "beneficiaries": "household",
    "structures": "organisation",
    "equipment": "weee_shipment",
    "security": None,
}
PK_MODEL_BY_NAME = {"donations:offer_detail": "offer"}
ADMIN_NAME = re.compile(r"^admin:(?P<app>\w+?)_(?P<model>[a-z0-9]+)_(?P<action>\w+)$")


def _admin_object_id(route: Route, objects: dict) -> str:
    match = ADMIN_NAME.match(route.name)
    if match:
        try:
            model = apps.get_model(match["app"], match["model"])
        except LookupError:
            return "1"
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            return str(instance.pk)
    return "1"


def value_for(route: Route, converter: str, name: str, objects: dict) -> str:
    namespace = route.name.split(":")[0] if ":" in route.name else ""
    if name == "asset_tag":
        return objects["item"].asset_tag
    if name == "token":
        return objects["offer_token"]
    if name == "invitation_id":
        return str(objects["invitation"].pk)
    if name in {"member_pk", "id"}:
        return str(objects["member"].pk)
    if name == "pk":
        key = PK_MODEL_BY_NAME.get(route.name) or PK_MODEL_BY_NAMESPACE.get(namespace)
        if key in objects:
            return str(objects[key].pk)
    if name == "object_id":
        if route.name == "admin:view_on_site":
            return str(objects["item"].pk)
        return _admin_object_id(route, objects)
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(objects["item"]).pk)
    if name == "to_status":
        return "in_audit"
    return DUMMY_BY_CONVERTER.get(converter, "x")


DUMMY_BY_CONVERTER = {"int": "1", "uuid": "00000000-0000-4000-8000-000000000000", "str": "x", "slug": "x", "path": "x"}


ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _regex_path(regex: str, route: Route, objects: dict) -> str:
    regex = regex.removeprefix("^").removesuffix("$")

    def named(match):
        if match["name"] == "url":
            return "page-inexistante/"
        return match["body"].split("|")[0]

    regex = re.sub(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)", named, regex)
    return re.sub(r"\([^)]*\)", "1", regex)


def build_path(route: Route, objects: dict) -> str:
    path = ""
    for part in route.parts:
        if isinstance(part, RoutePattern):
            path += ROUTE_PARAMETER.sub(
                lambda match: value_for(route, match["converter"] or "str", match["name"], objects), str(part)
            )
        elif isinstance(part, RegexPattern):
            path += _regex_path(part._regex, route, objects)
        else:  # pragma: no cover - a new kind of pattern would need its own case here
            raise AssertionError(f"Type de motif d'URL inconnu : {part!r}")
    return "/" + path
