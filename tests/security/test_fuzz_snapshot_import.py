"""The hardware-snapshot import fed with junk (hypothesis): real snapshots with parts replaced, JSON-like values and
raw bytes. Either the item is recorded, or SnapshotError (a French message) and nothing written; never another
exception. An accepted snapshot imported again changes nothing."""

import copy
import json
from pathlib import Path

from hypothesis import event, example, given
from hypothesis import strategies as st

from equipment.snapshots import SnapshotError
from equipment.snapshots.services import snapshot_import
from tests.security.fuzz import FUZZ, junk_text, row_counts

SNAPSHOTS = Path(__file__).resolve().parent.parent / "data" / "snapshots"
REAL = {path.name: json.loads(path.read_text()) for path in sorted(SNAPSHOTS.glob("*.json"))}
TABLES = (
    "equipment.Item",
    "equipment.HistoricalItem",
    "equipment.Drive",
    "equipment.ErasureRecord",
    "equipment.SnapshotImport",
    "equipment.StatusChange",
)

# What a broken tool or a hand-edited file may hold where a value is expected.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    junk_text(80),
    st.sampled_from(["\ud800", "x\x00y", "Erase", "Snapshot", "ssd", "2026-13-45T99:99:99", "99999999999999999999"]),
)
json_like = st.recursive(
    scalars, lambda children: st.lists(children, max_size=4) | st.dictionaries(junk_text(12), children, max_size=4)
)


def _paths(value, prefix=()):
    """Every place in a JSON document (key or index paths), the document itself first."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


@st.composite
def mutated_snapshot(draw):
    """A real snapshot with a few places replaced by junk or removed."""
    document = copy.deepcopy(REAL[draw(st.sampled_from(sorted(REAL)))])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [path for path in _paths(document) if path]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_like)
    return document


documents = st.one_of(
    mutated_snapshot(),
    mutated_snapshot(),
    st.dictionaries(st.sampled_from(["device", "components", "data", "software", "uuid", "type"]), json_like),
    json_like,
)
raw = st.one_of(
    st.binary(max_size=400),
    documents.map(lambda document: json.dumps(document, allow_nan=True).encode()),
    documents.map(lambda document: json.dumps(document)[: len(json.dumps(document)) // 2].encode()),
)


def _import(data):
    before = row_counts(*TABLES)
    try:
        item = snapshot_import(data=data)
    except SnapshotError as error:
        event("refused")
        assert error.messages and all(message.strip() for message in error.messages)
        assert row_counts(*TABLES) == before
        return
    event("accepted")
    after = row_counts(*TABLES)
    assert item.pk and item.serial_number
    # The same file again: recognised, nothing changes.
    assert snapshot_import(data=data).pk == item.pk
    assert row_counts(*TABLES) == after


@FUZZ
@given(document=documents)
@example(document=REAL["snapshot01.json"])
def test_a_junk_document_is_refused_cleanly_or_imported_once(document):
    _import(document)


@FUZZ
@given(content=raw)
@example(content=b"")
@example(content=b"\xff\xfe{")
@example(content=b'{"device": {"serialNumber": "X\\u0000Y"}, "components": []}')
@example(content=b'{"device": {"serialNumber": "ABC"}, "uuid": "\\ud800", "components": []}')
@example(content=b"[" * 100_000)
def test_junk_bytes_are_refused_cleanly_or_imported_once(content):
    _import(content)
