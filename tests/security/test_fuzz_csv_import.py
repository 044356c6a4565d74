"""The equipment CSV import fed with junk (hypothesis): never an unexpected exception, all or nothing, and
importing an accepted file a second time changes nothing."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from equipment.enums import ItemCategory, ItemStatus
from equipment.imports.csv_rows import HEADER
from equipment.imports.items_csv import items_csv_check, items_import_csv
from equipment.models import AssetTagCounter
from tests.accounts.factories import UserFactory
from tests.equipment.factories import ItemFactory
from tests.security.fuzz import FUZZ, junk_text, row_counts

TABLES = (
    "equipment.Item",
    "equipment.HistoricalItem",
    "equipment.StatusChange",
    "donations.Donor",
    "donations.Donation",
)


def _state() -> tuple:
    return row_counts(*TABLES), list(AssetTagCounter.objects.order_by("prefix").values_list("prefix", "last_number"))


# Each cell: mostly what a real spreadsheet holds (so that whole files get accepted too), sometimes junk.
PLAUSIBLE = {
    "asset_tag": st.one_of(st.just(""), st.from_regex(r"(PH|ATIS)-0[0-9]{6}", fullmatch=True)),
    "category": st.sampled_from([*ItemCategory.values, "SCREEN"]),
    "brand": st.sampled_from(["Dell", "HP", "Lenovo", ""]),
    "model": st.sampled_from(["P2217H", "ProDesk 400 G4", "ThinkCentre M700", ""]),
    "serial_number": st.one_of(st.just(""), st.from_regex(r"[A-Z0-9]{8,12}", fullmatch=True)),
    "status": st.sampled_from(["", *ItemStatus.values]),
    "received_on": st.dates(min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2025, 12, 31)).map(
        datetime.date.isoformat
    ),
    "donor": st.sampled_from(["", "Médiathèque de Denain", "MÉDIATHÈQUE DE DENAIN", "Mairie de Raismes"]),
    "weight_kg": st.sampled_from(["4.2", "4,2", "0.55", "12"]),
    "notes": st.sampled_from(["", "Rayure", "Touches manquantes, hors d'usage"]),
}
JUNK = {
    **{name: junk_text(30) for name in HEADER},
    # Recorded items (fixture `recorded`) to clash with, and tags the import refuses.
    "asset_tag": st.sampled_from(["PH-000001", "T-000001", "ph 1", "A" * 31, "é"]),
    "serial_number": st.sampled_from(["CN0ABC123", "A1", "x" * 101]),
    "received_on": st.one_of(st.dates().map(datetime.date.isoformat), st.sampled_from(["2024-02-30", "15/03/2024"])),
    "weight_kg": st.sampled_from(["", "-1", "NaN", "1e6", "0.005", "Infinity", "4.2.1"]),
}


@st.composite
def rows(draw, dirty: bool) -> list[list[str]]:
    """Rows of plausible cells; when `dirty`, some rows get one junk cell or a missing or extra cell."""
    result = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        values = draw(st.fixed_dictionaries(PLAUSIBLE))
        cells = [values[name] for name in HEADER]
        if dirty and draw(st.booleans()):
            spoilt = draw(st.sampled_from(range(len(HEADER))))
            cells[spoilt] = draw(JUNK[HEADER[spoilt]])
            cells = draw(st.sampled_from([cells, cells, cells[:-1], [*cells, "x"]]))
        result.append(cells)
    return result


def _csv(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


header = st.one_of(st.permutations(list(HEADER)), st.lists(junk_text(12), max_size=11))
files = st.builds(
    lambda head, rows, delimiter, encoding, bom: (
        (b"\xef\xbb\xbf" if bom else b"") + _csv(head, rows, delimiter).encode(encoding, errors="replace")
    ),
    st.one_of(st.just(list(HEADER)), st.just(list(HEADER)), header),
    st.booleans().flatmap(lambda dirty: rows(dirty)),
    st.sampled_from([",", ";"]),
    st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"]),
    st.booleans(),
)
# Half the files are well-formed, so that accepting and re-importing get exercised as much as refusing.
files = st.one_of(st.builds(lambda rows: _csv(list(HEADER), rows, ",").encode(), rows(dirty=False)), files)


@pytest.fixture
def recorded():
    """Items already recorded, for the file to clash with or repeat."""
    ItemFactory(asset_tag="PH-000001", serial_number="CN0ABC123")
    ItemFactory(asset_tag="T-000001", category=ItemCategory.DESKTOP, serial_number="A1")


@FUZZ
@given(content=st.one_of(files, st.binary(max_size=600)))
@example(content=b"")
@example(content=b"\x00\x00\x00")
@example(content=b"PK\x03\x04junk")
@example(content=(",".join(HEADER) + "\nPH-000777,screen,Dell,P2217H,SN777,received,2024-03-15,,4.2,\n").encode())
def test_import_never_fails_writes_all_or_nothing_and_twice_changes_nothing(recorded, content):
    before = _state()

    report = items_import_csv(content=content, by=None, filename="fuzz.csv")

    after = _state()
    event("accepted" if report.is_valid else "refused")
    if not report.is_valid:
        assert after == before
        assert all(message.startswith("ligne ") for message in report.errors)
        return
    assert after[0]["equipment.Item"] == before[0]["equipment.Item"] + len(report.created)
    assert after[0]["equipment.StatusChange"] == before[0]["equipment.StatusChange"] + len(report.created)
    again = items_import_csv(content=content, by=None, filename="fuzz.csv")
    assert again.is_valid and not again.created
    assert _state() == after


@FUZZ
@given(content=st.one_of(files, st.binary(max_size=600)))
def test_the_check_alone_never_fails_nor_writes(content):
    before = _state()

    report = items_csv_check(content=content, filename="fuzz.csv")

    assert report.is_valid or report.errors
    assert _state() == before


@FUZZ
@given(content=st.one_of(files, st.binary(max_size=600)), name=junk_text(40))
def test_the_upload_page_never_fails_and_writes_nothing(content, name):
    client = Client()
    client.force_login(UserFactory(technician=True))
    before = _state()
    upload = io.BytesIO(content)
    upload.name = (name.replace("\x00", "").replace("/", "") or "fichier") + ".csv"

    response = client.post(reverse("equipment:import"), {"file": upload})

    # 400: a file name too long for the multipart headers (Django refuses the request itself).
    assert response.status_code in (200, 302, 400)
    assert _state() == before
