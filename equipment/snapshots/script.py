"""workbench-script snapshots: `data` holds raw tool output (dmidecode text, smartctl and inxi JSON).

The legacy variant (`version: "dev"`, `schema_api`) has `smart` (already a list) and lshw/hwinfo/lspci
instead of `smartctl` and `inxi`. dmidecode's text is read by hand: the few lines needed here do not
justify a dependency (see docs/readme/snapshots.md).
"""

import json
import re

from equipment.snapshots.base import (
    ParsedDrive,
    ParsedSnapshot,
    SnapshotError,
    category_for,
    computer_model,
    cpu_label,
    drive_kind,
    drive_vendor,
    gigabytes,
    number,
    software_label,
    text,
)

FORMAT = "workbench-script"
LEGACY_FORMAT = "workbench-script (ancien format)"
_HANDLE = re.compile(r"^Handle 0x[0-9A-Fa-f]+, DMI type (\d+),")
_DMI_TYPES = frozenset({1, 3, 4, 17})  # system, chassis, processor, memory device
_MEMORY_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*(kB|KB|MB|GB|TB)\b")
_MB_PER_UNIT = {"kB": 1 / 1024, "KB": 1 / 1024, "MB": 1, "GB": 1024, "TB": 1024 * 1024}


def parse(document: dict) -> ParsedSnapshot:
    data = document.get("data")
    if not isinstance(data, dict) or not data:
        raise SnapshotError(
            "Le rapport workbench-script ne contient aucune donnée matérielle : "
            "la partie « data » est absente ou vide."
        )
    legacy = "smart" in data or "lshw" in data
    dmi = dmidecode(data.get("dmidecode"))
    inxi = _embedded_json(data.get("inxi"))
    lshw = _embedded_json(data.get("lshw"))
    system = (dmi.get(1) or [{}])[0]
    chassis = (dmi.get(3) or [{}])[0]
    machine = _inxi_machine(inxi)
    lshw = lshw if isinstance(lshw, dict) else {}

    manufacturer = text(system.get("Manufacturer")) or machine.get("System", "") or text(lshw.get("vendor"))
    model = text(system.get("Product Name")) or machine.get("product", "") or text(lshw.get("product"))
    serial = (
        text(system.get("Serial Number"))
        or text(chassis.get("Serial Number"))
        or machine.get("serial", "")
        or text(lshw.get("serial"))
    )
    chassis_type = text(chassis.get("Type")) or machine.get("Type", "") or text(lshw.get("description"))
    category, form_factor = category_for("", chassis_type)
    drives, warnings = _drives(data, legacy=legacy)
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
        cpu=_cpu(dmi, inxi),
        ram_mb=_ram_mb(dmi, lshw),
        drives=tuple(drives),
        warnings=tuple(warnings),
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


def _embedded_json(value):
    """Tools' JSON output is stored as a string inside the snapshot; None when absent or unreadable."""
    if isinstance(value, str):
        try:
            return json.loads(value) if value.strip() else None
        except (json.JSONDecodeError, RecursionError):
            return None
    return value


def _inxi_machine(inxi) -> dict[str, str]:
    """inxi's "Machine" section, with its numbered keys ("002#1#2#product") reduced to their names."""
    values: dict[str, str] = {}
    for section in inxi if isinstance(inxi, list) else []:
        if not isinstance(section, dict):
            continue
        for key, rows in section.items():
            if key.endswith("#Machine") and isinstance(rows, list):
                for row in rows[:1]:  # the first row is the system; the second the motherboard
                    for name, value in row.items() if isinstance(row, dict) else ():
                        values.setdefault(name.rsplit("#", 1)[-1], text(value))
    return values


def _cpu(dmi, inxi) -> str:
    processors = [
        text(record.get("Version"))
        for record in dmi.get(4, [])
        if record.get("Type", "Central Processor") == "Central Processor"
        and not record.get("Status", "Populated").startswith("Unpopulated")
    ]
    if any(processors):
        return cpu_label([name for name in processors if name])
    for section in inxi if isinstance(inxi, list) else []:
        for key, rows in section.items() if isinstance(section, dict) else ():
            if key.endswith("#CPU") and isinstance(rows, list):
                for row in rows:
                    for name, value in row.items() if isinstance(row, dict) else ():
                        if name.endswith("#model"):
                            return cpu_label([text(value)])
    return ""


def _ram_mb(dmi, lshw: dict) -> int | None:
    total = 0.0
    for record in dmi.get(17, []):
        match = _MEMORY_SIZE.match(record.get("Size", ""))
        if match:
            total += float(match.group(1)) * _MB_PER_UNIT[match.group(2)]
    if total:
        return round(total)
    for child in lshw.get("children") or []:  # legacy: lshw's "System Memory" node, in bytes
        nodes = child.get("children") if isinstance(child, dict) else None
        for node in nodes if isinstance(nodes, list) else []:
            if isinstance(node, dict) and node.get("id") == "memory" and number(node.get("size")):
                return round(number(node["size"]) / 1024 / 1024)
    return None


def _drives(data: dict, *, legacy: bool) -> tuple[list[ParsedDrive], list[str]]:
    key = "smart" if legacy and "smart" in data else "smartctl"
    if key not in data:
        return [], ["Le rapport ne contient pas de données smartctl : aucun support de stockage n'a été relevé."]
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
    return drives, warnings


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
