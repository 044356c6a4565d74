"""Model permissions granted by role, so that nobody has to maintain groups by hand.

The Django admin asks these through the authentication backend; pages check roles directly.
"""

from accounts.enums import Role

_ALL = ("view", "add", "change")

# app_label -> model -> actions
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    Role.TECHNICIAN: {
        "donations": {"donor": _ALL, "donation": _ALL},
        "equipment": {
            "item": _ALL,
            "drive": (*_ALL, "delete"),
            "audit": _ALL,
            "erasurerecord": _ALL,
            "weeeshipment": _ALL,
            "statuschange": ("view",),
            "snapshotimport": ("view", "add"),
        },
        "distributions": {
            "packtemplate": ("view",),
            "packtemplateline": ("view",),
            "pack": _ALL,
            "packitem": _ALL,
        },
    },
    Role.COORDINATION: {
        # Read-only: organisations and accounts are written on the Structures pages only (accounts/admin.py).
        "accounts": {"organisation": ("view",), "user": ("view",)},
        # Households are written through the pages (services); the admin only shows them.
        "beneficiaries": {
            "commune": ("view", "change"),
            "qpv": ("view", "change"),
            "household": ("view",),
            "certification": ("view",),
            "periodoverride": ("view",),
            "duplicateconfirmation": ("view",),
            "householdaccesslog": ("view",),
        },
        "donations": {"donor": _ALL, "donation": _ALL},
        "equipment": {
            "item": _ALL,
            "drive": (*_ALL, "delete"),
            "audit": _ALL,
            "erasurerecord": _ALL,
            "weeeshipment": _ALL,
            "statuschange": ("view",),
            "snapshotimport": ("view", "add"),
        },
        "distributions": {
            "packtemplate": _ALL,
            "packtemplateline": (*_ALL, "delete"),
            "pack": _ALL,
            "packitem": _ALL,
        },
    },
}


def permissions_for_role(role: str | None) -> set[str]:
    perms = set()
    for app_label, models in ROLE_PERMISSIONS.get(role, {}).items():
        for model, actions in models.items():
            perms.update(f"{app_label}.{action}_{model}" for action in actions)
    return perms
