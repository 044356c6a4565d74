"""Shared pieces of the property-based (hypothesis) tests: junk text people and files produce, row counts."""

from django.apps import apps
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Fast enough for `make test`; the database persists between examples of one test (one transaction), which the
# properties allow for: each example compares counts before and after itself.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

# What people paste into forms and spreadsheets, beside random text.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "0",
    "-1",
    "1e9",
    "NaN",
    "Infinity",
    "9" * 40,
    "1990-02-30",
    "0000-00-00",
    "12/04/1990",
    "2099-01-01",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"; DROP TABLE x; --',
    "{{ 7*7 }}",
    "${jndi:ldap://x}",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "🙂" * 30,
    "é" * 300,
    "A" * 5000,
]


def junk_text(max_size: int = 200):
    return st.one_of(st.sampled_from(NASTY), st.text(max_size=max_size))


def row_counts(*labels: str) -> dict[str, int]:
    """Rows per model (`app_label.ModelName`), to show that a refused input wrote nothing."""
    return {label: apps.get_model(label).objects.count() for label in labels}
