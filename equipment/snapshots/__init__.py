"""Read eReuse Workbench hardware snapshots: JSON in, `ParsedSnapshot` out; no database access.

    document = load(uploaded_bytes)   # SnapshotError if not JSON, truncated, empty, not an object
    parsed = parse(document)          # SnapshotError if not a snapshot or without a device serial number

Formats: Workbench 11/12 (`device` + `components`) and workbench-script (`data`, current or legacy).
"""

from equipment.snapshots import base, script, workbench
from equipment.snapshots.base import (
    MALFORMED_CODES,
    ParsedDrive,
    ParsedErasure,
    ParsedSnapshot,
    SnapshotError,
    load,
)

__all__ = ["MALFORMED_CODES", "ParsedDrive", "ParsedErasure", "ParsedSnapshot", "SnapshotError", "load", "parse"]

UUID_MAX_LENGTH = 64  # SnapshotImport.uuid


def parse(document: dict) -> ParsedSnapshot:
    """The computer, its drives and their erasures, from a decoded snapshot."""
    kind = document.get("type")
    if kind is not None and kind != "Snapshot":
        raise SnapshotError(
            f"Ce fichier n'est pas un rapport matériel : son type est « {kind} » et non « Snapshot ».",
            code="not_snapshot",
        )
    if "device" in document or "components" in document:
        reader = workbench
    elif "data" in document or str(document.get("software", "")).startswith("workbench-script"):
        reader = script
    else:
        raise SnapshotError(
            "Ce fichier JSON n'est pas un rapport eReuse Workbench : il ne contient ni « device » (Workbench 11/12) "
            "ni « data » (workbench-script).",
            code="not_snapshot",
        )
    try:
        parsed = reader.parse(document)
    except SnapshotError:
        raise
    except RecursionError as error:  # a tool's output nested thousands deep inside the file
        raise SnapshotError(base.TOO_DEEP, code="hostile") from error
    except (AttributeError, KeyError, TypeError, ValueError, ArithmeticError) as error:
        # A safety net: a file that looks like a snapshot but whose parts have unexpected shapes.
        raise SnapshotError(
            f"Le rapport ({reader.FORMAT}) a une structure inattendue et n'a pas pu être lu ({type(error).__name__})."
        ) from error
    if not parsed.serial_number:
        raise SnapshotError(
            "Le rapport ne donne pas le numéro de série de l'appareil : impossible de le rattacher à un matériel. "
            "Enregistrez ce matériel à la main."
        )
    if len(parsed.uuid) > UUID_MAX_LENGTH:
        raise SnapshotError(f"L'identifiant du rapport (« uuid ») dépasse {UUID_MAX_LENGTH} caractères.")
    return parsed
