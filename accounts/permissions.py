"""Who may do what: one table of roles × capabilities, read by every page, the menu and the admin.

- A page names the capability it needs with `@access_required(Capability.X)` (accounts/decorators.py): anonymous
  visitors go to the login page, a signed-in user whose role lacks it gets a 403 with the row's French reason.
- The menu (accounts/context_processors.py) shows a page's link when its capability is granted, and templates ask
  `access.<capability>` before showing a button to a page.
- The Django admin's has_*_permission ask the authentication backend (accounts/backends.py), which grants each
  role the model permissions listed beside its capabilities: nobody maintains groups by hand.

Which rows a granted user sees (their structure's households, their events) is scope, not capability: querysets'
`for_user` and the services decide it. A test walks every URL and fails when a page has no capability here
(tests/accounts/test_access.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from accounts.enums import Role

COORDINATION, TECHNICIAN, PRESCRIBER, PARTNER = Role.COORDINATION, Role.TECHNICIAN, Role.PRESCRIBER, Role.PARTNER

_ALL = ("view", "add", "change")


class Capability(StrEnum):
    ACCOUNT = "account"
    EQUIPMENT = "equipment"
    DONATIONS = "donations"
    OFFER_LINKS = "offer_links"
    PACKS = "packs"
    PACK_TEMPLATES = "pack_templates"
    HOUSEHOLDS = "households"
    HOUSEHOLD_CERTIFY = "household_certify"
    PERIOD_OVERRIDE = "period_override"
    HOUSEHOLD_RECORDS = "household_records"
    HOUSEHOLD_DATA_EXPORT = "household_data_export"
    DASHBOARD = "dashboard"
    DASHBOARD_HOUSEHOLDS = "dashboard_households"
    EVENTS = "events"
    EVENT_MANAGE = "event_manage"
    INVITATION_ANSWER = "invitation_answer"
    ONBOARDING = "onboarding"
    ORGANISATIONS = "organisations"
    WORKBENCH_TOKENS = "workbench_tokens"
    JOB_SUPERVISION = "job_supervision"


# Every signed-in account, whatever its role (or without one): their own password, second factor and jobs.
EVERY_ACCOUNT = frozenset()


@dataclass(frozen=True)
class Access:
    roles: frozenset  # the roles granted; EVERY_ACCOUNT: anyone signed in
    what: str  # what the capability covers, for people reading the table (and docs/developing.md)
    refusal: str = ""  # the 403's French reason for the other roles
    models: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)  # app -> model -> actions

    @property
    def every_account(self) -> bool:
        return not self.roles


def _roles(*roles: Role) -> frozenset:
    return frozenset(roles)


STAFF = "Réservé à la coordination et aux techniciens."
COORDINATION_ONLY = "Réservé à la coordination du programme."

ACCESS: dict[Capability, Access] = {
    Capability.ACCOUNT: Access(
        EVERY_ACCOUNT, "Son compte : mot de passe, double authentification, ses travaux en arrière-plan."
    ),
    Capability.EQUIPMENT: Access(
        _roles(COORDINATION, TECHNICIAN),
        "Le matériel : liste, fiche, étiquettes, scan, import et export CSV, DEEE ; l'atelier du matériel.",
        STAFF,
        {
            "equipment": {
                "item": _ALL,
                "drive": (*_ALL, "delete"),
                "audit": _ALL,
                "erasurerecord": _ALL,
                "weeeshipment": _ALL,
                "statuschange": ("view",),
                "snapshotimport": ("view", "add"),
            }
        },
    ),
    Capability.DONATIONS: Access(
        _roles(COORDINATION, TECHNICIAN),
        "Les dons et leurs documents (attestation, certificat d'effacement), la file des propositions des donateurs.",
        STAFF,
        {"donations": {"donor": _ALL, "donation": _ALL}},
    ),
    Capability.OFFER_LINKS: Access(
        _roles(COORDINATION),
        "Révoquer ou renvoyer le lien de suivi d'un donateur.",
        "Seule la coordination gère les liens de suivi.",
    ),
    Capability.PACKS: Access(
        _roles(COORDINATION, TECHNICIAN),
        "Composer les packs dans l'atelier (les modèles de pack en lecture).",
        STAFF,
        {
            "distributions": {
                "packtemplate": ("view",),
                "packtemplateline": ("view",),
                "pack": _ALL,
                "packitem": _ALL,
            }
        },
    ),
    Capability.PACK_TEMPLATES: Access(
        _roles(COORDINATION),
        "Écrire les modèles de pack dans l'atelier.",
        COORDINATION_ONLY,
        {"distributions": {"packtemplate": _ALL, "packtemplateline": (*_ALL, "delete")}},
    ),
    Capability.HOUSEHOLDS: Access(
        _roles(COORDINATION, PRESCRIBER),
        "Les foyers : liste, fiche, modification (un prescripteur : ceux de sa structure).",
        "Réservé à la coordination et aux prescripteurs.",
    ),
    Capability.HOUSEHOLD_CERTIFY: Access(
        _roles(PRESCRIBER),
        "Inscrire un foyer et renouveler sa certification (la structure qui a vu les justificatifs).",
        "Seuls les prescripteurs inscrivent les foyers et renouvellent leur certification.",
    ),
    Capability.PERIOD_OVERRIDE: Access(
        _roles(COORDINATION),
        "Accorder une dérogation : un pack de plus dans la période du programme.",
        "Seule la coordination accorde une dérogation.",
    ),
    Capability.HOUSEHOLD_RECORDS: Access(
        _roles(COORDINATION),
        "Lire dans l'atelier foyers, certifications, dérogations et journal d'accès ; corriger communes et QPV.",
        COORDINATION_ONLY,
        {
            # Households are written through the pages (services); the admin only shows them.
            "beneficiaries": {
                "household": ("view",),
                "certification": ("view",),
                "periodoverride": ("view",),
                "duplicateconfirmation": ("view",),
                "householdaccesslog": ("view",),
            },
            "territory": {"commune": ("view", "change"), "qpv": ("view", "change")},
        },
    ),
    Capability.HOUSEHOLD_DATA_EXPORT: Access(
        _roles(COORDINATION),
        "Droit d'accès : télécharger tout ce qui est conservé sur un foyer (JSON, PDF).",
        COORDINATION_ONLY,
    ),
    Capability.DASHBOARD: Access(
        _roles(COORDINATION, PRESCRIBER, TECHNICIAN),
        "Le tableau de bord et ses CSV.",
        "Le tableau de bord est réservé à la coordination, aux prescripteurs et aux techniciens.",
    ),
    Capability.DASHBOARD_HOUSEHOLDS: Access(
        _roles(COORDINATION, PRESCRIBER),
        "Les chiffres des foyers équipés au tableau de bord (un prescripteur : ceux de sa structure).",
        "Les chiffres sur les foyers ne sont pas accessibles aux techniciens.",
    ),
    Capability.EVENTS: Access(
        _roles(COORDINATION, PRESCRIBER, PARTNER),
        "Les événements de distribution : liste et page (chacun ceux où il intervient).",
        "Réservé à la coordination, aux prescripteurs et aux partenaires.",
    ),
    Capability.EVENT_MANAGE: Access(
        _roles(COORDINATION),
        "Préparer et tenir un événement : créer, inviter, attribuer les packs, accueil, remises, fiches, émargement.",
        COORDINATION_ONLY,
    ),
    Capability.INVITATION_ANSWER: Access(
        _roles(COORDINATION, PRESCRIBER),
        "Noter la réponse d'un foyer invité, imprimer ses convocations.",
        "Réservé à la coordination et aux prescripteurs.",
    ),
    Capability.ONBOARDING: Access(
        _roles(COORDINATION, PARTNER),
        "Noter la prise en main d'un foyer après la remise.",
        "Réservé à la coordination et au partenaire de l'événement.",
    ),
    Capability.ORGANISATIONS: Access(
        _roles(COORDINATION),
        "Les structures, partenaires et leurs membres (les comptes en lecture dans l'atelier).",
        COORDINATION_ONLY,
        # Read-only: organisations and accounts are written on the Structures pages only (accounts/admin.py).
        {"accounts": {"organisation": ("view",), "user": ("view",)}},
    ),
    Capability.WORKBENCH_TOKENS: Access(
        _roles(COORDINATION, TECHNICIAN),
        "Les jetons Workbench (envoi direct des rapports matériels) : créer, voir leur dernier envoi, révoquer "
        "(un technicien : ceux de son reconditionneur) ; la documentation de l'API.",
        STAFF,
        # "change" is revoking: a token's page is read-only (api/admin.py).
        {"api": {"workbenchtoken": _ALL}},
    ),
    Capability.JOB_SUPERVISION: Access(
        _roles(COORDINATION),
        "Voir si un serveur de tâches est en marche et combien de travaux attendent (page « Travaux »).",
        COORDINATION_ONLY,
    ),
}


def may(user, capability: Capability) -> bool:
    """Whether this user's role has the capability (read from ACCESS at each call: the table is the rule)."""
    if not user.is_authenticated:
        return False
    access = ACCESS[capability]
    return access.every_account or user.role in access.roles


def refusal(capability: Capability) -> str:
    return ACCESS[capability].refusal or "Cette page n'est pas ouverte à votre rôle."


def permissions_for_role(role: str | None) -> set[str]:
    """The model permissions (« app.action_model ») the role's capabilities grant in the admin."""
    perms = set()
    for access in ACCESS.values():
        if role not in access.roles:
            continue
        for app_label, models in access.models.items():
            for model, actions in models.items():
                perms.update(f"{app_label}.{action}_{model}" for action in actions)
    return perms
