"""The technicians' workshop in Django's admin, one module per page family; importing them registers them.

items: the item list and page (drives, audits, erasures, status log); actions: bulk status moves, recycling and
WEEE shipments; records: drives, erasure records and shipments; snapshots: the Workbench snapshot upload.
"""

from equipment.admin import items, records, snapshots  # noqa: F401
