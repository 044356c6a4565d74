"""Every role walks its pages in a real browser, on the demo data, at 1280 px and on a phone (390 × 844): each page
answers, axe-core finds no serious or critical violation, and no page of the site scrolls sideways on the phone.

The walk starts from what the role sees after logging in and its main menu, then follows the links of each page,
one page per kind (Django's URL name): a page added to the menu, or linked from one, is walked the day it appears.
Files (PDF, CSV, JSON) and the API are not pages. The workshop's admin is walked at 1280 px, where it is used, for
its index and lists; its add and change forms are Django's own (an autocomplete without a name while empty, inline
rows labelled by their column headers), which axe reports and this project does not rewrite.

With FILIERE_SCREENSHOTS=<folder> the walk also saves the README's screenshots (`make screenshots`)."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from accounts.models import User

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MAX_PAGES = 80  # per role: far above what a role reaches today, a guard against a walk that never ends

# Not pages: files, the API, the second-factor step (walked by tests/e2e/test_two_factor.py), leaving the site.
NOT_PAGES = re.compile(r"\.(pdf|csv|json)$|^/api/|^/evidence/|^/accounts/logout/|^/admin/logout/|^/admin/jsi18n/")

# The README's screenshots: (role, URL name, width) → file name in docs/img/.
SCREENSHOTS = {
    (None, "home", PHONE["width"]): "accueil-telephone.png",
    ("prescripteur-raismes", "beneficiaries:detail", DESKTOP["width"]): "foyer.png",
    ("technicien", "equipment:list", DESKTOP["width"]): "atelier.png",
    ("coordination", "dashboard:index", DESKTOP["width"]): "dashboard.png",
    ("coordination", "distributions:detail", DESKTOP["width"]): "distribution.png",
    ("coordination", "distributions:day", PHONE["width"]): "accueil-du-jour-telephone.png",
}

# The page's width, and the outermost boxes that stick out of the screen (to say what to fix).
SIDEWAYS_JS = """() => {
  const out = (node) => {
    const box = node.getBoundingClientRect();
    const style = getComputedStyle(node);
    const content = style.overflowX === 'visible' ? node.scrollWidth : 0;  // text running out of its box
    return style.position !== 'absolute' && box.left + Math.max(box.width, content) > window.innerWidth + 1;
  };
  const parentOut = (node) => node.parentElement !== document.documentElement && out(node.parentElement);
  const name = (node) => `${node.tagName.toLowerCase()}.${[...node.classList].join('.')}`;
  const culprits = [...document.querySelectorAll('body, body *')]
    .filter((node) => out(node) && !parentOut(node))
    .map((node) => `${name(node)} « ${node.textContent.trim().slice(0, 40)} »`);
  return {width: document.documentElement.scrollWidth, culprits: culprits.slice(0, 5)};
}"""


def page_kind(path: str) -> str | None:
    """The URL name of a page of the site, or None for what the walk does not open."""
    if NOT_PAGES.search(path):
        return None
    try:
        kind = resolve(path).view_name
    except Resolver404:
        return None
    if kind.startswith("admin:") and not (kind in {"admin:index", "admin:app_list"} or kind.endswith("_changelist")):
        return None  # the admin's forms are Django's own (see the module's docstring)
    return kind


def links_on(page, base: str) -> list[str]:
    hrefs = page.locator("header nav a[href], main a[href], footer a[href], #content a[href]").evaluate_all(
        "(links) => links.filter((a) => !a.hasAttribute('download')).map((a) => a.href)"
    )
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if href.startswith(base) and parts.path:
            paths.append(parts.path)
    return paths


def screenshot(page, role, kind, width):
    folder = os.environ.get("FILIERE_SCREENSHOTS")
    name = SCREENSHOTS.get((role, kind, width))
    if folder and name:
        page.screenshot(path=str(Path(folder) / name))


def walk(page, live_server, axe_check, role, start):
    """Visits every kind of page reachable from `start`, at both widths; returns the kinds visited."""
    base = live_server.url
    queue, seen = [start], {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        kind = page_kind(path)
        if kind is None or kind in seen:
            continue
        seen[kind] = path

        page.set_viewport_size(DESKTOP)
        response = page.goto(base + path)
        assert response.ok, f"{role} : {path} répond {response.status}"
        axe_check(page)
        screenshot(page, role, kind, DESKTOP["width"])
        queue += links_on(page, base)

        if kind.startswith("admin:"):
            continue  # the workshop's admin is used on the workshop's screens
        page.set_viewport_size(PHONE)
        page.goto(base + path)
        axe_check(page)
        sideways = page.evaluate(SIDEWAYS_JS)
        assert sideways["width"] <= PHONE["width"], f"{role} : {path} défile de côté sur un téléphone {sideways}"
        screenshot(page, role, kind, PHONE["width"])
    assert len(seen) < MAX_PAGES, f"{role} : la visite s'arrête à {MAX_PAGES} pages ({sorted(seen)})"
    return seen


# Every role reaches its own account's pages from any page (the footer).
ACCOUNT_PAGES = {"accounts:password_change", "security:two_factor"}


@pytest.fixture
def demo(live_server):
    """The demo data, its accounts made ordinary ones, as in production: the second factor where the role needs it."""
    call_command("demo_data", stdout=open(os.devnull, "w"))
    User.objects.update(is_demo=False)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "prescripteur-raismes",
            {"beneficiaries:list", "beneficiaries:detail", "beneficiaries:create", "beneficiaries:edit"},
        ),
        (
            "technicien",
            {"equipment:list", "equipment:detail", "equipment:scan", "equipment:import", "donations:list"},
        ),
        (
            "coordination",
            {
                "distributions:list",
                "distributions:detail",
                "distributions:day",
                "distributions:invite",
                "distributions:allocate",
                "dashboard:index",
                "structures:list",
                "structures:detail",
                "beneficiaries:detail",
                "jobs:list",
            },
        ),
        ("partenaire", {"distributions:list", "distributions:detail"}),
    ],
)
def test_every_page_of_a_role_passes_axe_at_1280_px_and_on_a_phone(
    page, live_server, login, axe_check, demo, role, expected
):
    login(page, role, "demo")
    assert "/accounts/login/" not in page.url, f"{role} : connexion refusée"
    landing = urlsplit(page.url).path

    visited = walk(page, live_server, axe_check, role, landing)

    missing = (expected | ACCOUNT_PAGES) - set(visited)
    assert not missing, f"{role} : pages attendues non visitées {missing}"


def test_the_public_pages_pass_axe_at_1280_px_and_on_a_phone(page, live_server, axe_check, demo):
    visited = walk(page, live_server, axe_check, None, "/")

    assert {"home", "donations:offer_create", "accounts:login"} <= set(visited)
