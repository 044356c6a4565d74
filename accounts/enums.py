from django.db import models


class OrganisationKind(models.TextChoices):
    """What an organisation does in the programme; a user's role follows from it."""

    COORDINATION = "coordination", "Coordination du programme"
    REFURBISHER = "refurbisher", "Reconditionneur"
    STRUCTURE = "structure", "Structure prescriptrice"
    PARTNER = "partner", "Partenaire d'accompagnement"


class Role(models.TextChoices):
    COORDINATION = "coordination", "Coordination"
    TECHNICIAN = "technicien", "Technicien"
    PRESCRIBER = "prescripteur", "Prescripteur"
    PARTNER = "partenaire", "Partenaire"


ROLE_BY_KIND = {
    OrganisationKind.COORDINATION: Role.COORDINATION,
    OrganisationKind.REFURBISHER: Role.TECHNICIAN,
    OrganisationKind.STRUCTURE: Role.PRESCRIBER,
    OrganisationKind.PARTNER: Role.PARTNER,
}
