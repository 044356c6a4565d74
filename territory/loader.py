"""Reading and applying a territory's communes and QPV from CSV (used by a migration and by `load_territory`).

The apply functions take the model classes as arguments so that the data migration can pass its historical models.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import ProtectedError, RestrictedError

from core.text import compact_key, words

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNES_FILE = DATA_DIR / "territory-communes.csv"
QPV_FILE = DATA_DIR / "territory-qpv.csv"

COMMUNE_REQUIRED_COLUMNS = ("insee_code", "name", "postal_codes")
QPV_REQUIRED_COLUMNS = ("code_qp", "name", "insee_codes")
_INSEE = re.compile(r"^\d[\dAB]\d{3}$")
_POSTAL = re.compile(r"^\d{5}$")


class TerritoryFileError(Exception):
    """A territory file that cannot be loaded; `errors` lists every problem as « ligne N : raison »."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class CommuneRow:
    insee_code: str
    name: str
    postal_codes: tuple[str, ...]
    zrr: bool


@dataclass(frozen=True)
class QpvRow:
    code: str
    name: str
    insee_codes: tuple[str, ...]


@dataclass
class LoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    qpv: int = 0


def _read_rows(text: str, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in required if column not in header]
    if missing:
        label = "colonnes manquantes" if len(missing) > 1 else "colonne manquante"
        raise TerritoryFileError([f"ligne 1 : {label} : {', '.join(missing)}"])
    reader.fieldnames = header
    rows = [
        (index, {key: (value or "").strip() for key, value in row.items() if key})
        for index, row in enumerate(reader, start=2)
    ]
    if not rows:
        raise TerritoryFileError(["le fichier ne contient aucune ligne de données"])
    return rows


def _classified(value: str) -> bool:
    """« non classée », empty, « non » -> False; « classée », « oui », « partiellement classée » -> True."""
    value_words = words(value)
    return bool(value_words) and value_words[0] not in {"non", "no", "false", "0", "aucun", "aucune"}


def parse_communes(text: str) -> list[CommuneRow]:
    errors, result, seen = [], [], {}
    for line, row in _read_rows(text, COMMUNE_REQUIRED_COLUMNS):
        insee, name = row["insee_code"], row["name"]
        postal_codes = tuple(code.strip() for code in row["postal_codes"].split(";") if code.strip())
        problems = []
        if not _INSEE.match(insee):
            problems.append(f"code INSEE « {insee} » invalide (5 caractères, ex. 59491)")
        elif insee in seen:
            problems.append(f"code INSEE {insee} déjà présent ligne {seen[insee]}")
        if not name:
            problems.append("nom de commune vide")
        if not postal_codes:
            problems.append("aucun code postal")
        bad_codes = [code for code in postal_codes if not _POSTAL.match(code)]
        if bad_codes:
            label = "codes postaux invalides" if len(bad_codes) > 1 else "code postal invalide"
            problems.append(f"{label} : {', '.join(bad_codes)}")
        if problems:
            errors.append(f"ligne {line} : {' ; '.join(problems)}")
            continue
        seen[insee] = line
        zrr = _classified(row.get("zrr_2021", row.get("zrr", ""))) or _classified(row.get("frr_2025", ""))
        result.append(CommuneRow(insee_code=insee, name=name, postal_codes=postal_codes, zrr=zrr))
    if errors:
        raise TerritoryFileError(errors)
    return result


def parse_qpv(text: str, known_insee_codes: set[str]) -> list[QpvRow]:
    errors, result, seen = [], [], set()
    for line, row in _read_rows(text, QPV_REQUIRED_COLUMNS):
        code, name = row["code_qp"], row["name"]
        insee_codes = tuple(code.strip() for code in row["insee_codes"].split(";") if code.strip())
        problems = []
        if not code:
            problems.append("code QPV vide")
        elif code in seen:
            problems.append(f"code QPV {code} en double")
        if not name:
            problems.append("nom de QPV vide")
        unknown = [insee for insee in insee_codes if insee not in known_insee_codes]
        if unknown:
            label = "communes absentes" if len(unknown) > 1 else "commune absente"
            problems.append(f"{label} du territoire : {', '.join(unknown)}")
        if problems:
            errors.append(f"ligne {line} : {' ; '.join(problems)}")
            continue
        seen.add(code)
        result.append(QpvRow(code=code, name=name, insee_codes=insee_codes))
    if errors:
        raise TerritoryFileError(errors)
    return result


def apply_communes(rows: list[CommuneRow], *, commune_model) -> LoadSummary:
    """Make the communes table match `rows`; a commune left out is deactivated if anything protects it (households
    live there), deleted otherwise."""
    summary = LoadSummary()
    existing = {commune.insee_code: commune for commune in commune_model.objects.all()}
    for row in rows:
        values = {
            "name": row.name,
            "name_key": compact_key(row.name),
            "postal_codes": ";".join(row.postal_codes),
            "zrr": row.zrr,
            "is_active": True,
        }
        commune = existing.get(row.insee_code)
        if commune is None:
            commune_model.objects.create(insee_code=row.insee_code, **values)
            summary.created.append(row.name)
        elif any(getattr(commune, key) != value for key, value in values.items()):
            commune_model.objects.filter(pk=commune.pk).update(**values)
            summary.updated.append(row.name)
    kept = {row.insee_code for row in rows}
    for insee_code, commune in sorted(existing.items()):
        if insee_code in kept:
            continue
        try:
            commune.delete()
        except (ProtectedError, RestrictedError):
            if commune.is_active:
                commune_model.objects.filter(pk=commune.pk).update(is_active=False)
                summary.deactivated.append(commune.name)
        else:
            summary.deleted.append(commune.name)
    return summary


def apply_qpv(rows: list[QpvRow], *, qpv_model, commune_model) -> int:
    """Replace the QPV and their links to communes."""
    communes = {commune.insee_code: commune for commune in commune_model.objects.all()}
    qpv_model.objects.exclude(code__in=[row.code for row in rows]).delete()
    for row in rows:
        qpv, _ = qpv_model.objects.update_or_create(code=row.code, defaults={"name": row.name})
        qpv.communes.set([communes[insee] for insee in row.insee_codes])
    return len(rows)


def load_files(communes_text: str, qpv_text: str | None, *, commune_model, qpv_model) -> LoadSummary:
    """Parse everything first (nothing written on any error), then apply. Call inside a transaction."""
    commune_rows = parse_communes(communes_text)
    qpv_rows = parse_qpv(qpv_text, {row.insee_code for row in commune_rows}) if qpv_text is not None else None
    summary = apply_communes(commune_rows, commune_model=commune_model)
    if qpv_rows is not None:
        summary.qpv = apply_qpv(qpv_rows, qpv_model=qpv_model, commune_model=commune_model)
    return summary


def load_default_territory(*, commune_model, qpv_model) -> LoadSummary:
    """The territory shipped with the project (La Porte du Hainaut)."""
    return load_files(
        COMMUNES_FILE.read_text(encoding="utf-8"),
        QPV_FILE.read_text(encoding="utf-8"),
        commune_model=commune_model,
        qpv_model=qpv_model,
    )
