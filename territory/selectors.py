"""Reads about the territory: matching what people type to a commune, the communes offered in forms."""

import difflib
import re

from django.db.models import Exists, OuterRef

from core.text import compact_key, words
from territory.models import Commune, Qpv


def commune_match(typed: str) -> Commune | None:
    """The commune (in the territory or not any more) whose name matches what was typed, spelling-tolerantly.

    Accepts what the datalist offers (« Raismes (59590) ») and a trailing postal code.
    """
    key = compact_key(strip_postal_code(typed))
    if not key:
        return None
    return Commune.objects.filter(name_key=key).first()


def commune_suggestions(typed: str, limit: int = 3) -> list[Commune]:
    """Territory communes whose name looks like what was typed (typos), best first."""
    key = compact_key(strip_postal_code(typed))
    communes = {commune.name_key: commune for commune in Commune.objects.in_territory()}
    return [communes[match] for match in difflib.get_close_matches(key, communes, n=limit, cutoff=0.75)]


def strip_postal_code(typed: str) -> str:
    return re.sub(r"\(?\s*\d{5}\s*\)?", " ", typed or "").strip()


def commune_has_qpv() -> Exists:
    """For annotations on Household: its commune contains a QPV (the page then says so)."""
    return Exists(Qpv.communes.through.objects.filter(commune_id=OuterRef("commune_id")))


def commune_choices() -> list[dict]:
    """The territory's communes for the commune datalist: name, what to match on, postal codes, QPV inside."""
    communes = Commune.objects.in_territory().annotate(
        has_qpv=Exists(Qpv.communes.through.objects.filter(commune_id=OuterRef("pk")))
    )
    return [
        {
            "name": commune.name,
            "key": commune.name_key,
            "label": f"{' '.join(words(commune.name))} — {', '.join(commune.postal_code_list)}",
            "has_qpv": commune.has_qpv,
        }
        for commune in communes
    ]
