"""A new coordination account activates its second factor in a real browser (the manual key typed into an
"authenticator app" computed here), then logs in again with a code; every page passes axe-core, and the CSP
(no inline script) leaves the pages working."""

import base64

from django_otp.oath import totp

from tests.accounts.factories import UserFactory

PASSWORD = "motdepasse-solide-2026"


def app_code(manual_key: str, *, offset: int = 0) -> str:
    """What an authenticator app shows for the key typed from the enrolment page."""
    key = manual_key.replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{totp(secret, drift=offset):06d}"


def log_in(page, live_url, username):
    page.goto(live_url("/accounts/login/"))
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_coordination_activates_two_factor_authentication_then_logs_in_with_a_code(page, live_url, axe_check):
    UserFactory(username="nouvelle-coord", coordination=True)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    log_in(page, live_url, "nouvelle-coord")
    page.get_by_role("heading", name="Activer la double authentification").wait_for()
    assert page.locator(".qr-code svg").is_visible()
    axe_check(page)
    manual_key = page.locator("#manual-key").inner_text()

    page.get_by_label("Code de vérification").fill("000000")
    page.get_by_role("button", name="Activer").click()
    page.get_by_text("Code incorrect").first.wait_for()
    axe_check(page)
    page.wait_for_timeout(1100)  # django-otp slows down the next try after a wrong code

    page.get_by_label("Code de vérification").fill(app_code(manual_key))
    page.get_by_role("button", name="Activer").click()
    page.get_by_role("heading", name="Vos codes de secours").wait_for()
    assert page.locator("#backup-codes li").count() == 10
    axe_check(page)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.wait_for_load_state()

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    log_in(page, live_url, "nouvelle-coord")
    page.get_by_role("heading", name="Code de vérification").wait_for()
    axe_check(page)
    page.get_by_label("Code de vérification").fill(app_code(manual_key, offset=1))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Structures").first.click()
    page.wait_for_url("**/structures/")
    assert not [error for error in errors if "Content Security Policy" in error], errors
