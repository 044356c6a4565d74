"""Times shown to people are Paris times: no model timestamp (stored in UTC) is formatted as it is."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "territory", "security", "accounts", "jobs", "donations", "equipment", "beneficiaries",
        "distributions", "reports", "privacy", "home", "demo", "config"]  # fmt: skip


def _is_timestamp(node: ast.expr) -> bool:
    """`obj.created_at`, `self.handed_over_at`…: an aware datetime read from a model, in UTC."""
    return isinstance(node, ast.Attribute) and node.attr.endswith("_at")


def _formatted_in_utc(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None and _is_timestamp(node.value):
            lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"strftime", "time", "date", "isoformat"}
            and _is_timestamp(node.func.value)
            and node.func.attr != "isoformat"
        ):
            lines.append(node.lineno)
    return lines


def test_no_model_timestamp_is_shown_without_localtime():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found += [f"{path.relative_to(ROOT)}:{line}" for line in _formatted_in_utc(ast.parse(path.read_text()))]
    assert not found, "Heure UTC montrée telle quelle (utilisez timezone.localtime) : " + ", ".join(found)


def test_the_guard_finds_a_utc_time():
    code = 'f"({done.handed_over_at:%H:%M})"; x.created_at.strftime("%H"); f"{timezone.localtime(a.b_at):%H}"'
    assert _formatted_in_utc(ast.parse(code)) == [1, 1]
