"""What every snapshot format shares: the parsed result, the error, JSON loading and value cleaning."""

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.text import plural
from equipment.enums import DriveKind, ErasureMethod, ErasureResult, FormFactor, ItemCategory


class SnapshotError(ValidationError):
    """A file that is not a usable hardware snapshot; the French message says what is wrong.

    `code` tells what kind of refusal it is: one of MALFORMED_CODES when the bytes are not a readable JSON document
    (the API answers 400), anything else when the JSON is read but is not a snapshot Filière can take (422).
    """


# The file is not readable JSON at all: empty, not UTF-8, a syntax error, cut short.
MALFORMED_CODES = frozenset({"empty", "encoding", "syntax", "truncated"})


@dataclass(frozen=True)
class ParsedErasure:
    """One erasure (or destruction) of a drive as the snapshot reports it."""

    method: str  # ErasureMethod
    tool: str
    passes: int
    started_at: datetime | None
    finished_at: datetime | None
    result: str  # ErasureResult
    notes: str


@dataclass(frozen=True)
class ParsedDrive:
    """A storage device found in the computer."""

    kind: str  # DriveKind
    manufacturer: str
    model: str
    serial_number: str
    size_gb: Decimal | None
    erasures: tuple[ParsedErasure, ...] = ()


@dataclass(frozen=True)
class ParsedSnapshot:
    """What Filière keeps from a snapshot: the computer, its drives and their erasures."""

    format: str
    uuid: str
    software: str
    category: str  # ItemCategory
    form_factor: str  # FormFactor or ""
    manufacturer: str
    model: str
    serial_number: str
    cpu: str
    ram_mb: int | None
    drives: tuple[ParsedDrive, ...]
    warnings: tuple[str, ...] = ()
    # When the snapshot was taken, by the computer's clock (None when it does not say).
    taken_at: datetime | None = None
    # False when the snapshot holds no storage data at all (not "no drive"): its drive list then decides nothing.
    lists_drives: bool = True


def load(raw: bytes | str | dict) -> dict:
    """The snapshot as a dict, from the bytes of a file, its text or an already decoded object."""
    if isinstance(raw, bytes | bytearray):
        if not raw.strip():
            raise SnapshotError("Le fichier est vide.", code="empty")
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SnapshotError(
                "Le fichier n'est pas un texte UTF-8 : ce n'est pas un rapport JSON du Workbench.", code="encoding"
            ) from error
    if isinstance(raw, str):
        if not raw.strip():
            raise SnapshotError("Le fichier est vide.", code="empty")
        document = _decode(raw)
    else:
        document = raw
    if not isinstance(document, dict):
        found = {list: "une liste", str: "un texte", int: "un nombre", float: "un nombre", bool: "un booléen"}
        raise SnapshotError(
            f"Le fichier contient {found.get(type(document), 'une valeur')} JSON, pas un rapport matériel "
            "(un objet JSON avec « device » ou « data » est attendu).",
            code="not_object",
        )
    if message := unstorable(document):
        raise SnapshotError(message, code="hostile")
    return document


TOO_DEEP = "Le fichier JSON est imbriqué trop profondément pour être un rapport."


def _decode(raw: str):
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        if error.pos >= len(raw.rstrip()) or error.msg.startswith("Unterminated string"):
            raise SnapshotError(
                f"Le fichier JSON est tronqué : il s'arrête avant la fin du rapport (ligne {error.lineno}). "
                "Récupérez le fichier complet sur la clé du Workbench.",
                code="truncated",
            ) from error
        raise SnapshotError(
            f"Le fichier n'est pas du JSON valide (ligne {error.lineno}, colonne {error.colno}).", code="syntax"
        ) from error
    except ValueError as error:
        # Python refuses to read integers of more than 4,300 digits (a guard against slow conversions).
        raise SnapshotError(
            "Le rapport contient un nombre entier de plusieurs milliers de chiffres : aucun Workbench n'en écrit, "
            "ce n'est pas un rapport intact.",
            code="hostile",
        ) from error
    except RecursionError as error:
        raise SnapshotError(TOO_DEEP, code="hostile") from error


_SURROGATES = re.compile("[\ud800-\udfff]")
MAX_DEPTH = 200


def unstorable(document) -> str | None:
    """Why the database could not store this document as it is (found by the hypothesis tests), or None.

    PostgreSQL refuses NUL characters and lone UTF-16 halves (« \\ud800 ») in text and JSON, and NaN or
    Infinity in JSON; a Workbench never writes them. Walked without recursion: a deep document is refused too.
    """
    stack = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return TOO_DEEP
        if isinstance(value, dict):
            for key, child in value.items():
                stack.append((key, depth + 1))
                stack.append((child, depth + 1))
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
        elif isinstance(value, str):
            if "\x00" in value or _SURROGATES.search(value):
                return (
                    "Le rapport contient des caractères invalides (caractère nul ou Unicode incomplet) : ce n'est "
                    "pas un fichier intact du Workbench."
                )
        elif isinstance(value, float) and not math.isfinite(value):
            return "Le rapport contient un nombre invalide (NaN ou Infinity) : ce n'est pas du JSON standard."
    return None


# Values that BIOSes and tools print when they know nothing.
_PLACEHOLDERS = frozenset(
    {
        "",
        "none",
        "null",
        "n/a",
        "na",
        "unknown",
        "not specified",
        "not available",
        "not applicable",
        "not present",
        "to be filled by o.e.m.",
        "to be filled by oem",
        "default string",
        "system serial number",
        "system product name",
        "system manufacturer",
        "system version",
        "chassis serial number",
        "base board serial number",
        "fill by oem",
        "oem",
        "o.e.m.",
        "0123456789",
        "123456789",
        "1234567890",
    }
)
_ZEROS = re.compile(r"^[0\s.:-]+$")


def text(value) -> str:
    """A clean one-line string, or "" for empty and placeholder values."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    value = " ".join(str(value).split())
    if value.lower() in _PLACEHOLDERS or _ZEROS.match(value):
        return ""
    return value


def number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result == result and result >= 0 else None  # NaN and negatives are not sizes


def gigabytes(value: float | None, *, per_gb: float) -> Decimal | None:
    """A capacity in decimal gigabytes, to one decimal, as drive labels print it."""
    if value is None or value <= 0:
        return None
    return Decimal(str(value / per_gb)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def moment(value) -> datetime | None:
    """An aware datetime from an ISO 8601 string; naive times are the machine's local time (Europe/Paris)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        result = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return result if timezone.is_aware(result) else timezone.make_aware(result)


def cpu_label(models: list[str]) -> str:
    """One label for the processors: "Intel Core i5-3470 CPU @ 3.20GHz", or "2 × …" for twin sockets."""
    names = [" ".join(re.sub(r"\((?:R|TM|r|tm)\)", " ", name).split()) for name in models if name]
    if not names:
        return ""
    distinct = list(dict.fromkeys(names))
    if len(distinct) == 1:
        return distinct[0] if len(names) == 1 else f"{len(names)} × {distinct[0]}"
    return " + ".join(distinct)


def computer_model(manufacturer: str, model: str, version: str) -> str:
    """Lenovo prints the machine type as product and the commercial name as version: keep both."""
    if manufacturer.upper() == "LENOVO" and version and version.lower() not in model.lower():
        return f"{version} ({model})" if model else version
    return model


# Chassis names (Workbench's `chassis` and SMBIOS type 3 "Type", lower-cased) -> category and form factor.
_CHASSIS = {
    "tower": (ItemCategory.DESKTOP, FormFactor.TOWER),
    "main server chassis": (ItemCategory.DESKTOP, FormFactor.TOWER),
    "server": (ItemCategory.DESKTOP, FormFactor.TOWER),
    "microtower": (ItemCategory.DESKTOP, FormFactor.MINI_TOWER),
    "mini tower": (ItemCategory.DESKTOP, FormFactor.MINI_TOWER),
    "low profile desktop": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "space-saving": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "pizzabox": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "pizza box": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "lunchbox": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "lunch box": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "mini pc": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "stick": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "stick pc": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "embedded pc": (ItemCategory.DESKTOP, FormFactor.SMALL_FORM),
    "desktop": (ItemCategory.DESKTOP, ""),
    "allinone": (ItemCategory.DESKTOP, ""),
    "all in one": (ItemCategory.DESKTOP, ""),
    "sealed-case pc": (ItemCategory.DESKTOP, ""),
    "laptop": (ItemCategory.LAPTOP, ""),
    "notebook": (ItemCategory.LAPTOP, ""),
    "netbook": (ItemCategory.LAPTOP, ""),
    "portable": (ItemCategory.LAPTOP, ""),
    "sub notebook": (ItemCategory.LAPTOP, ""),
    "convertible": (ItemCategory.LAPTOP, ""),
    "detachable": (ItemCategory.LAPTOP, ""),
}

# Workbench 11/12 `device.type` -> category, when the type alone decides.
_DEVICE_TYPES = {
    "laptop": ItemCategory.LAPTOP,
    "desktop": ItemCategory.DESKTOP,
    "server": ItemCategory.DESKTOP,
    "computermonitor": ItemCategory.SCREEN,
    "monitor": ItemCategory.SCREEN,
    "keyboard": ItemCategory.KEYBOARD,
    "mouse": ItemCategory.MOUSE,
}


def category_for(device_type: str, chassis: str) -> tuple[str, str]:
    """(category, form factor) from a device type and/or a chassis name; "other" when neither says."""
    by_chassis = _CHASSIS.get(chassis.lower())
    category = _DEVICE_TYPES.get(device_type.lower().replace(" ", ""))
    if category is None:
        return by_chassis or (ItemCategory.OTHER, "")
    form_factor = by_chassis[1] if by_chassis and category == ItemCategory.DESKTOP else ""
    return category, form_factor


# First word of a drive's model name -> manufacturer, for tools that give one string only.
_DRIVE_VENDORS = {
    "SAMSUNG": "Samsung",
    "LITEONIT": "Lite-On",
    "LITEON": "Lite-On",
    "LITE-ON": "Lite-On",
    "WDC": "Western Digital",
    "WD": "Western Digital",
    "TOSHIBA": "Toshiba",
    "KIOXIA": "Kioxia",
    "HGST": "HGST",
    "HITACHI": "Hitachi",
    "KINGSTON": "Kingston",
    "CRUCIAL": "Crucial",
    "INTEL": "Intel",
    "SANDISK": "SanDisk",
    "MICRON": "Micron",
    "HYNIX": "SK hynix",
    "SK": "SK hynix",
    "MAXTOR": "Maxtor",
    "FUJITSU": "Fujitsu",
    "SEAGATE": "Seagate",
    "ADATA": "ADATA",
    "TRANSCEND": "Transcend",
    "PNY": "PNY",
    "APPLE": "Apple",
    "LENOVO": "Lenovo",
    "PLEXTOR": "Plextor",
    "CORSAIR": "Corsair",
    "VERBATIM": "Verbatim",
    "EMTEC": "Emtec",
}
_DRIVE_MODEL_PREFIXES = (
    (re.compile(r"^ST\d"), "Seagate"),
    (re.compile(r"^(HTS|HDS|HDT|HUA)\d"), "Hitachi"),
    (re.compile(r"^MZ-"), "Samsung"),
    (re.compile(r"^CT\d"), "Crucial"),
    (re.compile(r"^SSDSC"), "Intel"),
    (re.compile(r"^(MK|MQ|DT)\d"), "Toshiba"),
)


def drive_vendor(model_name: str, family: str = "") -> tuple[str, str]:
    """(manufacturer, model) from one model string: "Samsung SSD 850 EVO" -> ("Samsung", "SSD 850 EVO")."""
    first, _, rest = model_name.partition(" ")
    if first.upper() in _DRIVE_VENDORS and rest:
        return _DRIVE_VENDORS[first.upper()], rest
    for pattern, vendor in _DRIVE_MODEL_PREFIXES:
        if pattern.match(model_name):
            return vendor, model_name
    family_first = family.partition(" ")[0].upper()
    return _DRIVE_VENDORS.get(family_first, ""), model_name


# NIST SP 800-88 rev. 1 category of each eReuse erasure action (see docs/guides/snapshots.md).
ERASE_METHODS = {
    "EraseBasic": ErasureMethod.CLEAR,  # shred: overwrite of the user-addressable area
    "EraseSectors": ErasureMethod.CLEAR,  # badblocks: overwrite + sector-by-sector verification
    "ErasePhysical": ErasureMethod.DESTROY,  # shredding, disintegration, drilling
}
_PURGE_WORDS = ("Crypto", "Secure", "Sanitize")  # firmware erase commands (ATA Secure Erase, NVMe format/sanitize)
_STEP_LABELS = {"StepZero": "zéros", "StepRandom": "aléatoire"}
_FAILED_SEVERITIES = frozenset({"error", "warning"})


def erasure_from_action(action: dict, *, tool: str) -> ParsedErasure | None:
    """An erasure record from a Workbench `Erase*` action of a drive, or None for any other action."""
    kind = action.get("type")
    if not isinstance(kind, str) or not kind.startswith("Erase"):
        return None
    method = ERASE_METHODS.get(kind) or (
        ErasureMethod.PURGE if any(word in kind for word in _PURGE_WORDS) else ErasureMethod.CLEAR
    )
    steps = [step for step in action.get("steps") or [] if isinstance(step, dict)]
    severities = [str(s).lower() for s in [action.get("severity"), *(step.get("severity") for step in steps)] if s]
    failed = any(severity in _FAILED_SEVERITIES for severity in severities)
    started = moment(action.get("startTime")) or (moment(steps[0].get("startTime")) if steps else None)
    finished = moment(action.get("endTime")) or (moment(steps[-1].get("endTime")) if steps else None)
    notes = [f"{kind} (Workbench)"]
    if steps:
        labels = ", ".join(_STEP_LABELS.get(str(step.get("type")), str(step.get("type"))) for step in steps)
        notes.append(f"{plural(len(steps), 'passe')} : {labels}")
    if text(action.get("method")):
        notes.append(f"méthode : {text(action.get('method'))}")
    if failed:
        notes.append("le Workbench a signalé une erreur")
    if started and finished and finished < started:
        notes.append(f"heure de fin incohérente ignorée ({action.get('endTime')})")
        finished = None
    return ParsedErasure(
        method=method,
        tool=tool,
        passes=max(len(steps), 1),
        started_at=started,
        finished_at=finished,
        result=ErasureResult.FAILED if failed else ErasureResult.PASSED,
        notes=" ; ".join(notes) + ".",
    )


def software_label(document: dict) -> str:
    return " ".join(part for part in (text(document.get("software")), text(document.get("version"))) if part)


def drive_kind(*, nvme: bool, solid_state: bool | None) -> str:
    if nvme:
        return DriveKind.NVME
    if solid_state is None:
        return DriveKind.OTHER
    return DriveKind.SSD if solid_state else DriveKind.HDD
