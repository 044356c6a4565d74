"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Fixtures:
- `page`: a fresh browser page; `page.goto(live_url("/foyers/"))`.
- `live_url(path)`: absolute URL on the live server.
- `login(page, username, password)`: logs in through the real login form (and the second factor if needed).
- `axe_check(page)`: runs axe-core and fails on any serious or critical violation.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.e2e.settings import CHROMIUM_ARGS, CHROMIUM_PATH

# Playwright's sync API runs an event loop in this thread; Django must allow ORM calls beside it (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_url(live_server):
    def build(path: str) -> str:
        return f"{live_server.url}{path}"

    return build


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _backup_code(username: str) -> str | None:
    """Coordination and admin accounts pass a second factor: give them an app and one backup code to type."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from accounts.models import User
    from security.two_factor import two_factor_required
    from tests.two_factor import verified_device

    user = User.objects.filter(username=username).first()
    if user is None or not two_factor_required(user):
        return None
    verified_device(user)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Codes de secours")
    return device.token_set.create(token=StaticToken.random_token()).token


@pytest.fixture
def login(live_url):
    def do_login(page, username: str, password: str = "motdepasse-solide-2026"):
        code = _backup_code(username)
        page.goto(live_url("/accounts/login/"))
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        if code and "/double-authentification/verification/" in page.url:
            page.get_by_label("Code de vérification").fill(code)
            page.get_by_role("button", name="Valider").click()
            page.wait_for_load_state()

    return do_login


_axe = Axe()


@pytest.fixture
def axe_check():
    def check(page):
        # A click may have started a navigation that is not over: axe reads the page that is loaded, not the old one
        # unloading under it (« Cannot read properties of null »), so it runs again once the new page stands.
        page.wait_for_load_state()
        try:
            results = _axe.run(page)
        except PlaywrightError:
            page.wait_for_load_state()
            results = _axe.run(page)
        serious = [
            violation
            for violation in results.response["violations"]
            if violation.get("impact") in {"serious", "critical"}
        ]
        details = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:5]}"
            for v in serious
        )
        assert not serious, f"axe-core : violations graves sur {page.url}\n{details}"

    return check
