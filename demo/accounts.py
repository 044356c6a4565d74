"""Demo organisations and accounts (password "demo", refused when DEBUG is off)."""

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from territory.models import Commune

ORGANISATIONS = [
    ("Porte du Hainaut — Stratégie numérique", OrganisationKind.COORDINATION, "Wallers"),
    ("ATIS", OrganisationKind.REFURBISHER, "Denain"),
    ("CCAS de Raismes", OrganisationKind.STRUCTURE, "Raismes"),
    ("CCAS de Denain", OrganisationKind.STRUCTURE, "Denain"),
    ("Emmaüs Connect", OrganisationKind.PARTNER, "Denain"),
]

# Fictional contact details shown on the public home page, and the communes each demo structure serves (INSEE).
PUBLIC_DETAILS = {
    "CCAS de Raismes": {
        "address": "Place Henri Durre, 59590 Raismes",
        "phone": "03 27 00 00 01",
        "opening_hours": "Du lundi au vendredi, 8 h 30 – 12 h et 13 h 30 – 17 h",
        "communes": ["59491"],
    },
    "CCAS de Denain": {
        "address": "Rue de Villars, 59220 Denain",
        "phone": "03 27 00 00 02",
        "opening_hours": "Du lundi au jeudi, 9 h – 12 h et 14 h – 17 h ; le vendredi, 9 h – 12 h",
        "communes": ["59172", "59205"],
    },
    "Porte du Hainaut — Stratégie numérique": {
        "address": "Rue Michel Rondet, 59135 Wallers",
        "phone": "03 27 00 00 00",
        "opening_hours": "Du lundi au vendredi, 9 h – 12 h et 14 h – 17 h",
    },
}

ACCOUNTS = [
    # username, first name, last name, organisation, is_staff
    ("coordination", "Camille", "Lefebvre", "Porte du Hainaut — Stratégie numérique", True),
    ("technicien", "Karim", "Benali", "ATIS", True),
    ("prescripteur-raismes", "Sophie", "Martin", "CCAS de Raismes", False),
    ("prescripteur-denain", "Julien", "Dupont", "CCAS de Denain", False),
    ("partenaire", "Nadia", "Haddad", "Emmaüs Connect", False),
]


def populate() -> dict[str, User]:
    organisations = {}
    for name, kind, commune in ORGANISATIONS:
        organisations[name], _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "address": commune}
        )
        _add_public_details(organisations[name])
    users = {}
    for username, first_name, last_name, organisation, is_staff in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "organisation": organisations[organisation],
                "is_staff": is_staff,
                "is_demo": True,
                "email": f"{username}@demo.filiere.invalid",
            },
        )
        if created:
            user.set_password("demo")
            user.save(update_fields=["password"])
        users[username] = user
    return users


def _add_public_details(organisation: Organisation) -> None:
    """Fill the demo contact details once; never overwrite what someone changed since."""
    details = PUBLIC_DETAILS.get(organisation.name)
    if details is None or organisation.phone:
        return
    organisation.address, organisation.phone = details["address"], details["phone"]
    organisation.opening_hours = details["opening_hours"]
    organisation.save(update_fields=["address", "phone", "opening_hours"])
    organisation.communes_served.set(Commune.objects.filter(insee_code__in=details.get("communes", [])))
