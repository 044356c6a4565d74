"""Text helpers: spelling-tolerant keys for names, communes and addresses (accents, ligatures, hyphens,
apostrophes, case), and French plural agreement."""

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


def plural_suffix(count: int, suffixes: str = "s") -> str:
    """French agreement: singular for 0 and 1 (« 0 foyer », « 1 matériel »), plural from 2 (Django's pluralize
    writes « 0 foyers »). `suffixes` as pluralize takes them: "s", "x", or "singular,plural" (« al,aux »)."""
    singular, _, plural = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    return plural if abs(count) > 1 else singular


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """« 1 matériel », « 3 matériels », « 0 foyer »; `plural_word` for irregular plurals (« 2 journaux »)."""
    return f"{count} {word if abs(count) <= 1 else (plural_word or word + 's')}"
