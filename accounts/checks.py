"""Settings that name roles are checked at start-up (`manage.py check`, run by migrate and runserver, and by
`make quality` with --deploy): a mistyped role would otherwise quietly drop the second factor of that role."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from accounts.enums import Role


@register(Tags.security)
def two_factor_roles_exist(app_configs, **kwargs):
    unknown = [name for name in settings.FILIERE["TWO_FACTOR_ROLES"] if name not in Role.values]
    if not unknown:
        return []
    return [
        Error(
            f"FILIERE_TWO_FACTOR_ROLES nomme un rôle inconnu : {', '.join(unknown)}.",
            hint=f"Rôles possibles : {', '.join(Role.values)} (séparés par des virgules).",
            id="filiere.E001",
        )
    ]


@register(Tags.security)
def duplicate_matches_limit_is_sensible(app_configs, **kwargs):
    if settings.FILIERE["DUPLICATE_MATCHES_PER_DAY"] >= 0:
        return []
    return [
        Error(
            "FILIERE_DUPLICATE_MATCHES_PER_DAY est négatif.",
            hint="Un nombre de 0 (jamais le nom de l'autre structure) à quelques dizaines par personne et par jour.",
            id="filiere.E002",
        )
    ]
