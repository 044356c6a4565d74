"""One way to render forms: every form of the site goes through core.forms.FormRenderer and its field template.

Two guards. The forms: every Form class of the project's apps (outside the admin, which keeps its own templates)
renders through the one renderer, with no template of its own. The pages: every GET page of the site, walked as the
first role that may see it, draws each of its form fields through templates/forms/field.html (the field sits in a
[data-field] group with a label tied to it or a legend), so a field written by hand in a template fails here.
"""

import importlib
import pkgutil
from html.parser import HTMLParser

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.test import Client

from core.forms import FormRenderer
from tests.accounts.factories import UserFactory
from tests.security.conftest import walk_objects  # noqa: F401 - the fixture the URL walk uses
from tests.security.urlwalk import all_routes, build_path

# Controls that are not a form's fields, each with why.
NOT_FORM_FIELDS = {
    # One control per table row, labelled by its row (the household's name, the pack's line): a list, not a form.
    ("distributions:invite", "households"),
    ("distributions:allocate", "pack"),
    ("distributions:day", "give_pack_to"),
    # The public home's two pickers (« Votre commune », the year of the figures): a page of its own design for
    # residents, each a <select> beside its button; not yet Django forms.
    ("home", "commune"),
    ("home", "annee"),
}


def _project_modules():
    root = settings.BASE_DIR
    for config in apps.get_app_configs():
        if not str(config.path).startswith(str(root)) or "/.venv/" in str(config.path):
            continue
        yield importlib.import_module(config.name)
        for module in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            if ".migrations" in module.name or ".management" in module.name or ".tests" in module.name:
                continue
            yield importlib.import_module(module.name)


def _site_form_classes() -> set[type]:
    found = set()
    for module in _project_modules():
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                if ".admin" not in value.__module__:
                    found.add(value)
    return found


def test_the_site_renders_forms_through_one_renderer():
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    assert (renderer.form_template_name, renderer.field_template_name) == ("forms/form.html", "forms/field.html")


def test_no_form_of_the_site_brings_its_own_template_or_renderer():
    classes = _site_form_classes()
    assert len(classes) > 15, sorted(cls.__qualname__ for cls in classes)
    for cls in classes:
        assert cls.default_renderer is None, cls
        assert cls.template_name is forms.Form.template_name, cls
        for name, field in cls.base_fields.items():
            assert field.template_name is None, (cls, name)


class _Fields(HTMLParser):
    """The form fields of a page: each input, select and textarea inside a <form>, whether it sits in a [data-field]
    group, and the labels (for=) and legends of the page."""

    def __init__(self):
        super().__init__()
        self.fields, self.labelled = [], set()
        self._open, self._forms = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._forms += 1
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and self._forms:
            kind = attrs.get("type", "text")
            if tag != "input" or kind not in {"hidden", "submit", "button", "reset", "image"}:
                in_group = any("data-field" in opened for _, opened in self._open)
                self.fields.append((attrs.get("name"), attrs.get("id"), in_group))
        if tag not in {"input", "br", "img", "meta", "link", "hr", "option", "source"}:
            self._open.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "form":
            self._forms -= 1
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break


@pytest.mark.django_db
def test_every_field_on_every_page_is_drawn_by_the_field_template(walk_objects):  # noqa: F811
    users = {
        "coordinator": walk_objects["coordinator"],
        "technician": UserFactory(username="tech-forms", technician=True),
        "member": walk_objects["member"],
    }
    clients = [Client()]
    for user in users.values():
        client = Client()
        client.force_login(user)
        clients.append(client)
    seen, hand_written = 0, []
    for route in all_routes():
        if route.name.startswith("admin:") or route.name in {"accounts:logout"}:
            continue
        path = build_path(route, walk_objects)
        for client in clients:
            response = client.get(path)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                break
        else:
            continue
        parser = _Fields()
        parser.feed(response.content.decode())
        for name, field_id, in_group in parser.fields:
            if (route.name, name) in NOT_FORM_FIELDS:
                continue
            seen += 1
            if not in_group:
                hand_written.append(f"{route.name} ({path}) : « {name} » hors du gabarit de champ")
            elif field_id not in parser.labelled:
                hand_written.append(f"{route.name} ({path}) : « {name} » sans étiquette liée")
    assert seen > 40
    assert not hand_written, "\n".join(hand_written)
