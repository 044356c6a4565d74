"""Workbench 11/12 snapshots: `device` plus a list of `components`, each carrying its own `actions`."""

from equipment.snapshots.base import (
    ParsedDrive,
    ParsedSnapshot,
    SnapshotError,
    category_for,
    computer_model,
    cpu_label,
    drive_kind,
    drive_vendor,
    erasure_from_action,
    gigabytes,
    moment,
    number,
    software_label,
    text,
)

FORMAT = "Workbench 11/12"
_DRIVE_TYPES = frozenset({"HardDrive", "SolidStateDrive", "DataStorage", "Storage"})


def parse(document: dict) -> ParsedSnapshot:
    device = document.get("device")
    if not isinstance(device, dict) or not device:
        raise SnapshotError("Le rapport ne décrit pas l'appareil : la partie « device » est absente ou vide.")
    components = document.get("components", [])
    if not isinstance(components, list):
        raise SnapshotError("Le rapport est mal formé : « components » devrait être une liste de composants.")
    components = [component for component in components if isinstance(component, dict)]
    software = software_label(document) or "Workbench"
    manufacturer = text(device.get("manufacturer"))
    category, form_factor = category_for(text(device.get("type")), text(device.get("chassis")))

    ram_sizes = [number(c.get("size")) for c in components if c.get("type") == "RamModule"]
    ram_mb = round(sum(size for size in ram_sizes if size)) or None
    warnings = []
    drives = []
    seen = set()
    for component in components:
        if component.get("type") not in _DRIVE_TYPES:
            continue
        drive = _drive(component, tool=software)
        if drive is None:
            continue
        if drive.serial_number and drive.serial_number in seen:
            warnings.append(f"Support en double dans le rapport ignoré (n° de série {drive.serial_number}).")
            continue
        seen.add(drive.serial_number)
        drives.append(drive)
    return ParsedSnapshot(
        format=FORMAT,
        uuid=text(document.get("uuid")),
        software=software,
        category=category,
        form_factor=form_factor,
        manufacturer=manufacturer,
        model=computer_model(manufacturer, text(device.get("model")), text(device.get("version"))),
        serial_number=text(device.get("serialNumber")),
        cpu=cpu_label([text(c.get("model")) for c in components if c.get("type") == "Processor"]),
        ram_mb=ram_mb,
        drives=tuple(drives),
        warnings=tuple(warnings),
        taken_at=moment(document.get("endTime")),
        lists_drives="components" in document,
    )


def _drive(component: dict, *, tool: str) -> ParsedDrive | None:
    model = text(component.get("model"))
    serial = text(component.get("serialNumber"))
    if not model and not serial:
        return None
    kind = component.get("type")
    interface = text(component.get("interface")).lower()
    solid_state = {"HardDrive": False, "SolidStateDrive": True}.get(kind)
    actions = [action for action in component.get("actions") or [] if isinstance(action, dict)]
    erasures = (erasure_from_action(action, tool=tool) for action in actions)
    manufacturer = text(component.get("manufacturer"))
    if not manufacturer:
        manufacturer, model = drive_vendor(model)
    return ParsedDrive(
        kind=drive_kind(nvme=interface == "nvme", solid_state=solid_state),
        manufacturer=manufacturer,
        model=model,
        serial_number=serial,
        size_gb=gigabytes(number(component.get("size")), per_gb=1000),  # Workbench sizes are in MB
        erasures=tuple(erasure for erasure in erasures if erasure is not None),
    )
