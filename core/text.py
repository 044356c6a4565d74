"""Spelling-tolerant keys for names, communes and addresses (accents, ligatures, hyphens, apostrophes, case)."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Abbreviations people type in addresses and commune names.
_WORDS = {
    "st": "saint",
    "ste": "sainte",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "bvd": "boulevard",
    "pl": "place",
    "imp": "impasse",
    "all": "allee",
    "ch": "chemin",
    "che": "chemin",
    "rte": "route",
    "res": "residence",
    "resid": "residence",
}


def words(value: str) -> list[str]:
    """Lower-case ASCII words: « Rœulx » -> ['roeulx'], « St-Amand-les-Eaux » -> ['saint', 'amand', 'les', 'eaux']."""
    value = (value or "").translate(_LIGATURES)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(char for char in value if not unicodedata.combining(char)).lower()
    return [_WORDS.get(word, word) for word in _NON_ALNUM.sub(" ", value).split()]


def compact_key(value: str) -> str:
    """Key without separators, so that « saint amand les eaux » and « Saint-Amand-les-Eaux » meet."""
    return "".join(words(value))
