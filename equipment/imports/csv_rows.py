"""Reading an equipment CSV: encoding, header and per-row checks, without touching the database.

Two headers are accepted: the documented one (HEADER: codes, ISO dates) and the French one the equipment export
writes (FRENCH_HEADER: « Catégorie », « Reçu le »…, labels, jj/mm/aaaa dates), so an exported file imports again as
it is. Whatever the header, a category or status may be written as its code or its French label, and a date as
AAAA-MM-JJ or JJ/MM/AAAA.

Every problem becomes one French message `ligne N : raison`, N being the line of the file (header = line 1).
"""

import codecs
import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from core.text import compact_key
from equipment.enums import ItemCategory, ItemStatus

HEADER = (
    "asset_tag",
    "category",
    "brand",
    "model",
    "serial_number",
    "status",
    "received_on",
    "donor",
    "weight_kg",
    "notes",
)
# The export's header, column for column (equipment.exports.csv writes it; the import reads it like HEADER).
FRENCH_HEADER = (
    "Étiquette",
    "Catégorie",
    "Marque",
    "Modèle",
    "N° de série",
    "Statut",
    "Reçu le",
    "Donateur",
    "Poids (kg)",
    "Notes",
)
MAX_LENGTHS = {"asset_tag": 30, "brand": 100, "model": 200, "serial_number": 100, "donor": 200}
MAX_WEIGHT = Decimal("99999.99")
ASSET_TAG_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FRENCH_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
CATEGORY_CODES = frozenset(ItemCategory.values)
STATUS_CODES = frozenset(ItemStatus.values)


def _codes_by_key(choices) -> dict[str, str]:
    """Code or French label, typed with or without accents and capitals -> code (« Écran », « ecran », « screen »)."""
    return {compact_key(text): code for code, label in choices for text in (code, label)}


CATEGORY_BY_KEY = _codes_by_key(ItemCategory.choices)
STATUS_BY_KEY = _codes_by_key(ItemStatus.choices)
_HEADER_KEYS = tuple(compact_key(name) for name in HEADER)
_FRENCH_HEADER_KEYS = tuple(compact_key(name) for name in FRENCH_HEADER)
SAVE_AS_UTF8 = "enregistrez-le au format « CSV UTF-8 » depuis votre tableur"
FIELD_LABELS = {
    "asset_tag": "étiquette",
    "brand": "marque",
    "model": "modèle",
    "serial_number": "numéro de série",
    "donor": "donateur",
}


@dataclass(frozen=True)
class CsvRow:
    """One valid line of the file, with values normalised (codes lower-case, dates and weights parsed)."""

    line: int
    asset_tag: str
    category: str
    manufacturer: str
    model: str
    serial_number: str
    status: str
    received_on: datetime.date
    donor: str
    weight_kg: Decimal | None
    notes: str

    @property
    def category_label(self) -> str:
        return ItemCategory(self.category).label

    @property
    def status_label(self) -> str:
        return ItemStatus(self.status).label


@dataclass
class ParsedCsv:
    rows: list[CsvRow]
    errors: list[str]


def lower_first(label: str) -> str:
    """« Recyclé (DEEE) » -> « recyclé (DEEE) »: lower-case inside a sentence, acronyms kept."""
    return label[:1].lower() + label[1:]


def _codes(choices) -> str:
    return ", ".join(f"{value} ({lower_first(label)})" for value, label in choices)


def decode(content: bytes) -> tuple[str | None, str | None]:
    """Return (text, None) for UTF-8 content (BOM tolerated), else (None, message saying what is wrong)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in content[:4]:
        return None, f"ligne 1 : le fichier est encodé en UTF-16 et non en UTF-8 ; {SAVE_AS_UTF8}."
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        return None, (
            f"ligne 1 : ce fichier est un classeur (Excel ou LibreOffice), pas un fichier CSV ; {SAVE_AS_UTF8}."
        )
    if b"\x00" in content:
        line = content[: content.index(b"\x00")].count(b"\n") + 1
        return None, f"ligne {line} : ce fichier n'est pas un fichier texte CSV (il contient des octets nuls)."
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        byte = content[error.start]
        return None, (
            f"ligne {line} : caractère qui n'est pas de l'UTF-8 (octet 0x{byte:02X}) — le fichier semble encodé en "
            f"Windows-1252 / Latin-1 ; {SAVE_AS_UTF8}."
        )


def _header_error(cells: list[str]) -> str | None:
    keys = tuple(compact_key(cell) for cell in cells)
    if keys in (_HEADER_KEYS, _FRENCH_HEADER_KEYS):
        return None
    header = [cell.strip().lower() for cell in cells]
    expected = ",".join(HEADER)
    missing = [name for name in HEADER if name not in header]
    unknown = [cell.strip() for cell in cells if cell.strip().lower() not in HEADER]
    doubled = sorted({name for name in header if name in HEADER and header.count(name) > 1})
    problems = []
    if missing:
        problems.append("colonnes manquantes : " + ", ".join(missing))
    if unknown:
        problems.append("colonnes inconnues : " + ", ".join(f"« {name} »" for name in unknown))
    if doubled:
        problems.append("colonnes en double : " + ", ".join(doubled))
    if not problems:
        problems.append("les colonnes ne sont pas dans l'ordre attendu")
    return (
        f"ligne 1 : en-tête incorrect ({' ; '.join(problems)}). En-tête attendu : {expected} "
        f"(ou celui de l'export du matériel : {';'.join(FRENCH_HEADER)})"
    )


def _parse_date(raw: str, today: datetime.date, errors: list[str]) -> datetime.date | None:
    if not raw:
        errors.append("la date de réception est obligatoire (colonne received_on, format AAAA-MM-JJ ou JJ/MM/AAAA)")
        return None
    french = FRENCH_DATE_RE.match(raw)
    if not ISO_DATE_RE.match(raw) and not french:
        errors.append(
            f"date de réception « {raw} » invalide : format attendu AAAA-MM-JJ ou JJ/MM/AAAA, par exemple 2024-03-15 "
            "ou 15/03/2024"
        )
        return None
    try:
        value = (
            datetime.date(int(french[3]), int(french[2]), int(french[1]))
            if french
            else datetime.date.fromisoformat(raw)
        )
    except ValueError:
        errors.append(f"la date de réception « {raw} » n'existe pas")
        return None
    if value > today:
        errors.append(f"la date de réception {raw} est dans le futur")
        return None
    return value


def _parse_weight(raw: str, status: str | None, errors: list[str]) -> Decimal | None:
    if not raw:
        if status == "recycled":
            errors.append("un matériel recyclé doit avoir un poids (colonne weight_kg, en kg)")
        return None
    try:
        value = Decimal(raw.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors.append(f"poids « {raw} » invalide : un nombre de kg est attendu, par exemple 4.2")
        return None
    if value < 0:
        errors.append(f"poids négatif ({raw}) : un poids ne peut pas être négatif")
        return None
    if value > MAX_WEIGHT:
        errors.append(f"poids {raw} kg hors limites ({MAX_WEIGHT} kg au plus)")
        return None
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _parse_row(line: int, cells: list[str], today: datetime.date) -> tuple[CsvRow | None, list[str]]:
    values = dict(zip(HEADER, (cell.strip() for cell in cells), strict=True))
    errors: list[str] = []
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            errors.append(f"{FIELD_LABELS[name]} de {len(values[name])} caractères ({limit} au plus)")
    tag = values["asset_tag"]
    if tag and len(tag) <= MAX_LENGTHS["asset_tag"] and not ASSET_TAG_RE.match(tag):
        errors.append(f"étiquette « {tag} » invalide : lettres sans accent, chiffres, tirets, points ou soulignés")
    category = CATEGORY_BY_KEY.get(compact_key(values["category"]), values["category"].lower())
    if not category:
        errors.append("la catégorie est obligatoire (colonne category)")
    elif category not in CATEGORY_CODES:
        errors.append(
            f"catégorie « {values['category']} » inconnue ; codes possibles : {_codes(ItemCategory.choices)}"
        )
    status = STATUS_BY_KEY.get(compact_key(values["status"]), values["status"].lower()) or ItemStatus.RECEIVED.value
    if status not in STATUS_CODES:
        errors.append(f"statut « {values['status']} » inconnu ; codes possibles : {_codes(ItemStatus.choices)}")
        status = None
    received_on = _parse_date(values["received_on"], today, errors)
    weight = _parse_weight(values["weight_kg"], status, errors)
    if errors:
        return None, [f"ligne {line} : {message}" for message in errors]
    row = CsvRow(
        line=line,
        asset_tag=tag,
        category=category,
        manufacturer=values["brand"],
        model=values["model"],
        serial_number=values["serial_number"],
        status=status,
        received_on=received_on,
        donor=values["donor"],
        weight_kg=weight,
        notes=values["notes"],
    )
    return row, []


class _Duplicates:
    """Asset tags and (category, serial number) seen so far, to report a repeat with the line it repeats."""

    def __init__(self):
        self.tags: dict[str, int] = {}
        self.serials: dict[tuple[str, str], int] = {}

    def check(self, line: int, cells: list[str]) -> list[str]:
        tag, serial = cells[0].strip(), cells[4].strip()
        category = CATEGORY_BY_KEY.get(compact_key(cells[1]), cells[1].strip().lower())
        errors = []
        if tag:
            first = self.tags.setdefault(tag, line)
            if first != line:
                errors.append(f"ligne {line} : étiquette « {tag} » déjà présente ligne {first}")
        if serial and category in CATEGORY_CODES:
            first = self.serials.setdefault((category, serial), line)
            if first != line:
                label = ItemCategory(category).label.lower()
                errors.append(f"ligne {line} : numéro de série « {serial} » ({label}) déjà présent ligne {first}")
        return errors


# A progress callback is told the number of lines read every this many lines.
PROGRESS_EVERY = 2000


def lines_estimate(content: bytes) -> int:
    """Data lines in the file, as the progress of a check counts them (header left out)."""
    return max(content.count(b"\n") - 1 + (not content.endswith(b"\n")), 0)


def parse(content: bytes, on_progress: Callable[[int], None] | None = None) -> ParsedCsv:
    """Check the whole file; return its valid rows and a message for every problem found. `on_progress` is told
    how many data lines were read, now and then."""
    text, error = decode(content)
    if error:
        return ParsedCsv(rows=[], errors=[error])
    if not text.strip():
        return ParsedCsv(
            rows=[], errors=[f"ligne 1 : le fichier est vide ; il doit commencer par l'en-tête {','.join(HEADER)}"]
        )
    first_line = text.split("\n", 1)[0]
    # French spreadsheets save "CSV" with semicolons: accept them when the header clearly uses them.
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[CsvRow] = []
    errors: list[str] = []
    header_seen = False
    duplicates = _Duplicates()
    today = timezone.localdate()
    line, read = 1, 0
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            read += 1
            if on_progress is not None and read % PROGRESS_EVERY == 0:
                on_progress(read - 1)
            if not header_seen:
                header_seen = True
                header_error = _header_error(cells)
                if header_error:
                    return ParsedCsv(rows=[], errors=[header_error])
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(HEADER):
                errors.append(
                    f"ligne {start} : {len(cells)} valeurs au lieu de {len(HEADER)} "
                    f"(vérifiez les séparateurs « {delimiter} » et les guillemets)"
                )
                continue
            row, row_errors = _parse_row(start, cells, today)
            errors.extend(row_errors)
            errors.extend(duplicates.check(start, cells))
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(f"ligne {line} : CSV mal formé, guillemets mal fermés ou mal placés ({exc})")
    if not rows and not errors:
        errors.append("ligne 2 : le fichier ne contient aucune ligne de matériel après l'en-tête")
    return ParsedCsv(rows=rows, errors=_by_line(errors))


def _by_line(errors: list[str]) -> list[str]:
    def line_of(message: str) -> int:
        match = re.match(r"ligne (\d+)", message)
        return int(match.group(1)) if match else 0

    return sorted(errors, key=line_of)
