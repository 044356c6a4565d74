"""Demo organisations and accounts (password "demo", refused when DEBUG is off)."""

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User

ORGANISATIONS = [
    ("Porte du Hainaut — Stratégie numérique", OrganisationKind.COORDINATION, "Wallers"),
    ("ATIS", OrganisationKind.REFURBISHER, "Denain"),
    ("CCAS de Raismes", OrganisationKind.STRUCTURE, "Raismes"),
    ("CCAS de Denain", OrganisationKind.STRUCTURE, "Denain"),
    ("Emmaüs Connect", OrganisationKind.PARTNER, "Denain"),
]

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
