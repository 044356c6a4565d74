"""workbench-script snapshots: `data` holds raw tool output (dmidecode text, smartctl and inxi JSON).

The legacy variant (`version: "dev"`, `schema_api`) has `smart` (already a list) and lshw/hwinfo/lspci
instead of `smartctl` and `inxi`. dmidecode's text is read by hand: the few lines needed here do not
justify a dependency (see docs/guides/snapshots.md).
"""

import json
import re
from functools import cached_property

from equipment.snapshots.base import (
    MAX_DEPTH,
    TOO_DEEP,
    ParsedDrive,
    ParsedSnapshot,
    SnapshotError,
    category_for,
    computer_model,
    cpu_label,
    drive_kind,
    drive_vendor,
    gigabytes,
    moment,
    number,
    software_label,
    text,
    unstorable,
)

FORMAT = "workbench-script"
LEGACY_FORMAT = "workbench-script (ancien format)"
_HANDLE = re.compile(r"^Handle 0x[0-9A-Fa-f]+, DMI type (\d+),")
_DMI_TYPES = frozenset({1, 3, 4, 17})  # system, chassis, processor, memory device
_MEMORY_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*(kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB)\b")
_MB_PER_UNIT = {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024}  # dmidecode's GB and inxi's GiB are both binary


def parse(document: dict) -> ParsedSnapshot:
    data = document.get("data")
    if not isinstance(data, dict) or not data:
        raise SnapshotError(
            "Le rapport workbench-script ne contient aucune donnée matérielle : "
            "la partie « data » est absente ou vide."
        )
    legacy = "smart" in data or "lshw" in data
    dmi = dmidecode(data.get("dmidecode"))
    other = _Fallbacks(data)
    system = (dmi.get(1) or [{}])[0]
    chassis = (dmi.get(3) or [{}])[0]

    manufacturer = (
        text(system.get("Manufacturer")) or other.machine.get("System", "") or text(other.lshw.get("vendor"))
    )
    model = text(system.get("Product Name")) or other.machine.get("product", "") or text(other.lshw.get("product"))
    serial = (
        text(system.get("Serial Number"))
        or text(chassis.get("Serial Number"))
        or other.machine.get("serial", "")
        or text(other.lshw.get("serial"))
    )
    chassis_type = text(chassis.get("Type")) or other.machine.get("Type", "") or text(other.lshw.get("description"))
    category, form_factor = category_for("", chassis_type)
    drives, warnings, lists_drives = _drives(data, legacy=legacy)
    erase = document.get("erase")
    if erase and any(erase if isinstance(erase, list) else [erase]):
        # The script records raw command output per disk, with neither the disk nor the result.
        warnings.append(
            "Le rapport contient des traces d'effacement (« erase ») sans disque ni résultat identifiables : "
            "elles n'ont pas été enregistrées ; saisissez les effacements à la main."
        )
    return ParsedSnapshot(
        format=LEGACY_FORMAT if legacy else FORMAT,
        uuid=text(document.get("uuid")),
        software=software_label(document) or "workbench-script",
        category=category,
        form_factor=form_factor,
        manufacturer=manufacturer,
        model=computer_model(manufacturer, model, text(system.get("Version"))),
        serial_number=serial,
        cpu=_cpu(dmi, other),
        ram_mb=_ram_mb(dmi, other),
        drives=tuple(drives),
        warnings=tuple(warnings),
        taken_at=moment(document.get("timestamp")),  # the computer's local time, written by the script
        lists_drives=lists_drives,
    )


def dmidecode(output) -> dict[int, list[dict[str, str]]]:
    """dmidecode's text as {DMI type: [{"Key": "value"}, ...]}, for the types Filière reads."""
    if not isinstance(output, str):
        return {}
    sections: dict[int, list[dict[str, str]]] = {}
    for block in output.replace("\r\n", "\n").split("\n\n"):
        match = _HANDLE.match(block)
        if not match or int(match.group(1)) not in _DMI_TYPES:
            continue
        record = {}
        for line in block.split("\n")[2:]:
            if line.startswith("\t") and not line.startswith("\t\t"):
                key, colon, value = line[1:].partition(":")
                if colon:
                    record[key.strip()] = value.strip()
        sections.setdefault(int(match.group(1)), []).append(record)
    return sections


class _Fallbacks:
    """inxi and lshw output, decoded only when dmidecode leaves a gap (lshw alone is some 60 kB of JSON)."""

    def __init__(self, data: dict):
        self._data = data

    @cached_property
    def _inxi(self) -> list:
        value = _embedded_json(self._data.get("inxi"))
        return value if isinstance(value, list) else []

    def inxi_rows(self, section: str) -> list[dict[str, str]]:
        """One inxi section's rows, their numbered keys ("002#1#2#product") reduced to names ("product")."""
        rows = []
        for block in self._inxi:
            for key, values in block.items() if isinstance(block, dict) else ():
                if key.rsplit("#", 1)[-1] == section and isinstance(values, list):
                    rows.extend(
                        {name.rsplit("#", 1)[-1]: text(value) for name, value in row.items()}
                        for row in values
                        if isinstance(row, dict)
                    )
        return rows

    @cached_property
    def machine(self) -> dict[str, str]:
        rows = self.inxi_rows("Machine")
        return rows[0] if rows else {}  # the first row is the system; the second the motherboard

    @cached_property
    def lshw(self) -> dict:
        value = _embedded_json(self._data.get("lshw"))
        return value if isinstance(value, dict) else {}

    def lshw_nodes(self):
        """Every node of lshw's tree, depth first; walked without recursion, a tree nested deeper than any real
        machine's is refused."""
        stack = [(self.lshw, 0)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise SnapshotError(TOO_DEEP, code="hostile")
            children = node.get("children")
            if not isinstance(children, list):
                continue
            for child in reversed(children):
                if isinstance(child, dict):
                    stack.append((child, depth + 1))
            if node is not self.lshw:
                yield node


def _embedded_json(value):
    """Tools' JSON output is stored as a string inside the snapshot; None when absent or unreadable.

    Read with the same guards as the file itself: integers of thousands of digits and deep nesting are refused.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else None
        except RecursionError as error:
            raise SnapshotError(TOO_DEEP, code="hostile") from error
        except ValueError:  # not JSON (or a number Python refuses to read): the tool's output is unusable
            return None
        if isinstance(value, dict | list) and (message := unstorable(value)):
            raise SnapshotError(message, code="hostile")
    return value


def _cpu(dmi, other: _Fallbacks) -> str:
    processors = [
        text(record.get("Version"))
        for record in dmi.get(4, [])
        if record.get("Type", "Central Processor") == "Central Processor"
        and not record.get("Status", "Populated").startswith("Unpopulated")
    ]
    if any(processors):
        return cpu_label([name for name in processors if name])
    models = [row["model"] for row in other.inxi_rows("CPU") if row.get("model")][:1]
    models = models or [text(node.get("product")) for node in other.lshw_nodes() if node.get("class") == "processor"]
    return cpu_label(models)


def _ram_mb(dmi, other: _Fallbacks) -> int | None:
    sizes = [record.get("Size", "") for record in dmi.get(17, [])]
    if not any(_MEMORY_SIZE.match(size) for size in sizes):
        sizes = [row.get("size", "") for row in other.inxi_rows("Memory") if row.get("Device")]
    total = 0.0
    for size in sizes:
        match = _MEMORY_SIZE.match(size)
        if match:
            total += float(match.group(1)) * _MB_PER_UNIT[match.group(2)[0].upper()]
    if total:
        return round(total)
    for node in other.lshw_nodes():  # legacy: lshw's "System Memory" node, in bytes
        if node.get("id") == "memory" and node.get("class") == "memory" and number(node.get("size")):
            return round(number(node["size"]) / 1024 / 1024)
    return None


def _drives(data: dict, *, legacy: bool) -> tuple[list[ParsedDrive], list[str], bool]:
    """The drives smartctl saw, warnings, and whether the snapshot holds storage data at all."""
    key = "smart" if legacy and "smart" in data else "smartctl"
    if key not in data:
        return (
            [],
            ["Le rapport ne contient pas de données smartctl : aucun support de stockage n'a été relevé."],
            False,
        )
    entries = _embedded_json(data[key])
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        raise SnapshotError(
            f"Les données « {key} » du rapport sont illisibles : les supports de stockage ne peuvent pas être relevés."
        )
    drives, warnings, seen = [], [], set()
    for entry in entries:
        drive = _drive(entry)
        if drive is None:
            continue
        if drive.serial_number and drive.serial_number in seen:
            warnings.append(f"Support en double dans le rapport ignoré (n° de série {drive.serial_number}).")
            continue
        seen.add(drive.serial_number)
        drives.append(drive)
    return drives, warnings, True


def _drive(entry) -> ParsedDrive | None:
    """A drive from one smartctl JSON report; None for devices smartctl could not read or USB keys."""
    if not isinstance(entry, dict):
        return None
    name = text(entry.get("model_name")) or text(entry.get("scsi_model_name")) or text(entry.get("product"))
    serial = text(entry.get("serial_number"))
    device = entry.get("device") if isinstance(entry.get("device"), dict) else {}
    if not name and not serial:
        return None
    if "usb" in str(device.get("type", "")).lower() or "usb" in str(device.get("info_name", "")).lower():
        return None
    nvme = str(device.get("protocol", "")).lower() == "nvme" or str(device.get("type", "")).lower() == "nvme"
    rotation = entry.get("rotation_rate")
    solid_state = rotation == 0 if isinstance(rotation, int) and not isinstance(rotation, bool) else None
    if solid_state is None and "ssd" in name.lower():
        solid_state = True
    vendor = text(entry.get("vendor")) or text(entry.get("scsi_vendor"))
    manufacturer, model = (vendor, name) if vendor else drive_vendor(name, text(entry.get("model_family")))
    capacity = entry.get("user_capacity") if isinstance(entry.get("user_capacity"), dict) else {}
    size = number(capacity.get("bytes")) or number(entry.get("nvme_total_capacity"))
    return ParsedDrive(
        kind=drive_kind(nvme=nvme, solid_state=solid_state),
        manufacturer=manufacturer,
        model=model,
        serial_number=serial,
        size_gb=gigabytes(size, per_gb=1e9),
    )
