from django.db import models


class DonorKind(models.TextChoices):
    COMPANY = "company", "Entreprise"
    PUBLIC_BODY = "public_body", "Organisme public"
    ASSOCIATION = "association", "Association"
    PERSON = "person", "Particulier"
