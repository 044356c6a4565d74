"""Settings that name roles or limits are checked when the site starts (`manage.py check`)."""

from django.core.checks import run_checks


def _ids(settings_filiere, settings, **changes):
    settings.FILIERE = {**settings_filiere, **changes}
    return [message.id for message in run_checks()]


def test_a_mistyped_two_factor_role_stops_the_check(settings):
    current = dict(settings.FILIERE)

    assert "filiere.E001" in _ids(current, settings, TWO_FACTOR_ROLES=["coordination", "prescripteurs"])
    assert "filiere.E001" not in _ids(current, settings, TWO_FACTOR_ROLES=["coordination", "prescripteur"])


def test_a_negative_duplicate_limit_stops_the_check(settings):
    current = dict(settings.FILIERE)

    assert "filiere.E002" in _ids(current, settings, DUPLICATE_MATCHES_PER_DAY=-1)
    assert "filiere.E002" not in _ids(current, settings, DUPLICATE_MATCHES_PER_DAY=0)
