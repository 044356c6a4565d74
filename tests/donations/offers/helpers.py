"""Shared data and fixtures for the donation-offer tests."""

from django.urls import reverse

OFFER_URL = "/dons/proposer/"
TOKEN = "T" * 43  # the shape of secrets.token_urlsafe(32)


def valid_post(**overrides) -> dict:
    data = {
        "organisation_name": "Médiathèque de Denain",
        "donor_kind": "public_body",
        "siret": "",
        "contact_name": "Claire Martin",
        "email": "claire.martin@example.org",
        "phone": "06 12 34 56 78",
        "pickup_address": "1 place du Marché",
        "pickup_postal_code": "59220",
        "pickup_commune": "Denain",
        "qty_screen": "10",
        "qty_desktop": "8",
        "computers_hold_data": "yes",
        "wants_erasure_certificate": "on",
        "preferred_dates": "Les mardis matin",
        "message": "",
        "terms_accepted": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def service_fields(**overrides) -> dict:
    fields = {
        "organisation_name": "Médiathèque de Denain",
        "donor_kind": "public_body",
        "siret": "",
        "contact_name": "Claire Martin",
        "email": "claire.martin@example.org",
        "phone": "06 12 34 56 78",
        "pickup_address": "1 place du Marché",
        "pickup_postal_code": "59220",
        "pickup_commune": "Denain",
        "computers_hold_data": "yes",
        "preferred_dates": "",
        "wants_erasure_certificate": True,
        "message": "",
    }
    fields.update(overrides)
    return fields


def tracking_path(token: str) -> str:
    return reverse("donations:offer_tracking", args=[token])
