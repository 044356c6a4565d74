"""The hardware-snapshot import fed with junk (hypothesis): real snapshots with parts replaced, JSON-like values,
raw bytes, and hostile shapes (integers of thousands of digits, nesting thousands deep, at the top or inside a
tool's embedded output). Either the item is recorded, or SnapshotError (a French message) and nothing written; never
another exception. An accepted snapshot imported again changes nothing. Through the Workbench API, the same files
get a 200, 400 or 422 in JSON, never a 500."""

import copy
import itertools
import json
from pathlib import Path

from django.core.cache import cache
from hypothesis import event, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from equipment.snapshots import SnapshotError
from equipment.snapshots.services import snapshot_import
from tests.api.factories import SNAPSHOT_URL, workbench_token
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


# --- Hostile shapes -----------------------------------------------------------------------------------------------

TEXTS = {name: json.dumps(document) for name, document in REAL.items()}


@st.composite
def huge_integer_file(draw):
    """A real snapshot with a value replaced by an integer of more digits than Python reads (4,300)."""
    text = TEXTS[draw(st.sampled_from(sorted(TEXTS)))]
    digits = draw(st.integers(min_value=4301, max_value=20_000))
    number = draw(st.sampled_from("123456789")) + "0" * (digits - 1)
    spots = [index for index, char in enumerate(text) if char == ":"]
    spot = draw(st.sampled_from(spots[:400]))
    end = spot + 1
    depth = 0
    while end < len(text) and (depth or text[end] not in ",}"):  # the value after this colon
        depth += {"{": 1, "[": 1, "}": -1, "]": -1}.get(text[end], 0)
        end += 1
    return (text[: spot + 1] + " " + number + text[end:]).encode()


def _nested(depth: int, kind: str) -> str:
    opening, closing = {"list": ("[", "]"), "object": ('{"children": [', "]}")}[kind]
    return opening * depth + closing * depth


@st.composite
def deeply_nested_file(draw):
    """Nesting thousands deep: the whole file, a part of a snapshot, or a tool's output embedded as text."""
    depth = draw(st.integers(min_value=150, max_value=6000))
    kind = draw(st.sampled_from(["list", "object"]))
    where = draw(st.sampled_from(["file", "device", "lshw", "smartctl", "inxi"]))
    if where == "file":
        return _nested(depth, kind).encode()
    if where == "device":
        document = copy.deepcopy(REAL["snapshot01.json"])
        document["device"]["model"] = json.loads(_nested(min(depth, 900), kind))
        return json.dumps(document).encode()
    if where == "lshw":
        document = copy.deepcopy(REAL["snapshot_workbench-script_legacy.json"])
        document["data"]["dmidecode"] = ""  # the computer is then read from lshw
    else:
        document = copy.deepcopy(REAL["snapshot_workbench-script.json"])
        if where == "inxi":
            document["data"]["dmidecode"] = ""
    document["data"][where] = _nested(depth, kind)
    return json.dumps(document).encode()


@st.composite
def embedded_huge_integer_file(draw):
    """A tool's embedded JSON output (smartctl, inxi, lshw) holding an integer of thousands of digits."""
    name = draw(st.sampled_from(["snapshot_workbench-script.json", "snapshot_workbench-script_legacy.json"]))
    document = copy.deepcopy(REAL[name])
    key = draw(st.sampled_from(sorted(k for k, v in document["data"].items() if isinstance(v, str))))
    digits = draw(st.integers(min_value=4301, max_value=9000))
    document["data"][key] = '[{"user_capacity": {"bytes": ' + "9" * digits + '}, "serial_number": "X"}]'
    if draw(st.booleans()):
        document["data"]["dmidecode"] = ""
    return json.dumps(document).encode()


_token_names = itertools.count()
hostile = st.one_of(huge_integer_file(), deeply_nested_file(), embedded_huge_integer_file())


@FUZZ
@given(content=hostile)
@example(content=b'{"device": {"serialNumber": ' + b"1" * 5000 + b'}, "components": []}')
@example(
    content=json.dumps(
        {
            **REAL["snapshot_workbench-script_legacy.json"],
            "data": {
                **REAL["snapshot_workbench-script_legacy.json"]["data"],
                "dmidecode": "",
                "lshw": _nested(3000, "object"),
            },
        }
    ).encode()
)
def test_hostile_shapes_are_refused_cleanly_or_imported_once(content):
    _import(content)


@hypothesis_settings(FUZZ, max_examples=25)
@given(content=st.one_of(hostile, raw))
def test_the_workbench_api_answers_any_file_in_json_and_never_with_a_500(client, content):
    cache.clear()  # the per-token rate limit is not what is tested here
    key = workbench_token(f"Fuzz {next(_token_names)}")[1]
    before = row_counts(*TABLES)

    response = client.generic(
        "POST", SNAPSHOT_URL, content, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )

    assert response.status_code in {200, 400, 422}, response.content[:300]
    answer = json.loads(response.content.decode())
    if response.status_code == 200:
        event("accepted")
        assert answer["status"] == "success" and answer["dhid"]
    else:
        event(f"refused {response.status_code}")
        assert answer["error"] and answer["details"]
        assert row_counts(*TABLES) == before
