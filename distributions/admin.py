"""The distributions' pages in the workshop admin: pack templates and pack assembly (distributions.packs.admin).
Events are run from /distributions/, not from the admin."""

from distributions.packs import admin  # noqa: F401
