"""The measured cases of `make bench` (bench/run.py). Each returns result rows:

    {"case", "p50_ms", "p95_ms", "floor_ms", "ratio", "target", "passed", "detail"}

Pages are requested through Django's test client (the whole stack: middleware, view, ORM, template), logged in
as the role that uses them. Floors are measured in the same minute: the same SQL replayed bare through psycopg,
PostgreSQL's own COPY, a bare view, one sheet alone.
"""

import json
import os
import re
import statistics
import time
import tracemalloc
import uuid
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from bench.data import items_add, vacuum_analyze

ROOT = Path(__file__).resolve().parent.parent
# One state file per bench database, so that several generated databases can live side by side.
STATE = (
    ROOT / "bench" / "results" / f"state-{os.environ.get('DATABASE_URL', '').rsplit('/', 1)[-1].split('?')[0]}.json"
)
QUERY_LIMIT = 10


# --- Measuring -------------------------------------------------------------------------------------------------


def samples(function, runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        function()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def p50(values) -> float:
    return statistics.median(values)


def p95(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def row(case, timings=None, *, floor=None, ratio=None, target="", passed=None, detail="", **extra) -> dict:
    result = {"case": case, "target": target, "passed": passed, "detail": detail, **extra}
    if timings is not None:
        result["p50_ms"], result["p95_ms"] = round(p50(timings), 2), round(p95(timings), 2)
    if floor is not None:
        result["floor_ms"] = round(floor, 2)
    if ratio is not None:
        result["ratio"] = round(ratio, 2)
    return result


def skipped(case: str, why: str) -> dict:
    return row(case, passed=None, detail=f"non mesuré : {why}")


def failed(case: str, exc: Exception) -> dict:
    return row(case, passed=False, detail=f"erreur : {type(exc).__name__}: {exc}"[:400])


def one_line(result: dict) -> str:
    verdict = {True: "OK", False: "ÉCHEC", None: "—"}[result.get("passed")]
    figures = " ".join(
        f"{key}={result[key]}" for key in ("p50_ms", "p95_ms", "floor_ms", "ratio") if result.get(key) is not None
    )
    return f"[{verdict}] {result['case']}: {figures} {result.get('detail', '')}".rstrip()


def table(results: list[dict]) -> str:
    header = ("cas", "p50 ms", "p95 ms", "plancher ms", "ratio", "objectif", "résultat")
    lines = []
    for result in results:
        lines.append(
            (
                result["case"],
                _fmt(result.get("p50_ms")),
                _fmt(result.get("p95_ms")),
                _fmt(result.get("floor_ms")),
                _fmt(result.get("ratio")),
                result.get("target", ""),
                {True: "OK", False: "ÉCHEC", None: "—"}[result.get("passed")],
            )
        )
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    widths[0] = min(widths[0], 58)
    out = [" | ".join(str(cell)[: widths[i]].ljust(widths[i]) for i, cell in enumerate(header))]
    out.append("-+-".join("-" * width for width in widths))
    out += [" | ".join(str(cell)[: widths[i]].ljust(widths[i]) for i, cell in enumerate(line)) for line in lines]
    return "\n".join(out)


def _fmt(value) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def volume_counts() -> dict:
    from beneficiaries.models import Certification, Household
    from distributions.events.models import Event, Invitation
    from distributions.packs.models import Pack
    from donations.models import Donation
    from equipment.models import Item, StatusChange

    models = {
        "items": Item,
        "status_changes": StatusChange,
        "donations": Donation,
        "households": Household,
        "certifications": Certification,
        "events": Event,
        "invitations": Invitation,
        "packs": Pack,
    }
    return {name: model.objects.count() for name, model in models.items()}


def bare_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params)


DECLARE_CURSOR = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH HOLD FOR ', re.DOTALL)


def replay(queries: list[str], runs: int = 20) -> list[float]:
    """The same SQL, run bare through psycopg (one connection, one transaction rolled back each time).

    A server-side cursor Django declared (iterating a queryset) is replayed as its plain SELECT."""
    queries = [DECLARE_CURSOR.sub("", sql) for sql in queries if sql not in ("BEGIN", "COMMIT")]
    with bare_connection() as bare:

        def once():
            with bare.cursor() as cursor:
                for sql in queries:
                    cursor.execute(sql.encode())
                    if cursor.description is not None:
                        cursor.fetchall()
            bare.rollback()

        return samples(once, runs)


# --- Logging in ------------------------------------------------------------------------------------------------


def client_for(user) -> Client:
    """A logged-in test client; accounts that need a second factor (most roles) also pass it, as after login."""
    client = Client()
    client.force_login(user)
    from django.apps import apps

    if apps.is_installed("django_otp"):
        from security.two_factor import two_factor_required

    if apps.is_installed("django_otp") and two_factor_required(user):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _ = StaticDevice.objects.get_or_create(user=user, name="banc d'essai", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def context_save(generated: dict, pairs: dict) -> dict:
    people = generated["people"]
    state = {
        "users": {
            "coordination": people["coordination"].pk,
            "technician": people["technician"].pk,
            "partner": people["partner_user"].pk,
            "prescriber": people["prescribers"][0].pk,
            "prescriber_small": pairs["prescriber"]["small"].pk,
            "prescriber_large": pairs["prescriber"]["large"].pk,
        },
        "planned_event_ids": generated["planned_event_ids"],
        "pairs": {key: value for key, value in pairs.items() if key != "prescriber"},
    }
    STATE.parent.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps(state, indent=2))
    return context_load()


def context_load() -> dict:
    from accounts.models import User

    state = json.loads(STATE.read_text())
    users = {role: User.objects.get(pk=pk) for role, pk in state["users"].items()}
    return {**state, "users": users, "clients": {}}


def client(context, role: str) -> Client:
    if role not in context["clients"]:
        context["clients"][role] = client_for(context["users"][role])
    return context["clients"][role]


def get(context, role: str, url: str, **params):
    response = client(context, role).get(url, params or None)
    if response.status_code != 200:
        raise AssertionError(f"{url} → HTTP {response.status_code} pour {role}")
    if getattr(response, "streaming", False):
        for _ in response.streaming_content:
            pass
    return response


# --- Cases -----------------------------------------------------------------------------------------------------


def _pages(context) -> list[tuple[str, str, str, dict, str, dict]]:
    """(page, role, url small, params small, url large, params large) for every list and detail page."""
    pairs = context["pairs"]

    def url(name, *args):
        return reverse(name, args=args)

    from donations.offers.views import QUEUE_TABS

    offered_tab = next(key for key, _, statuses in QUEUE_TABS if "offered" in statuses)
    accepted_tab = next(key for key, _, statuses in QUEUE_TABS if "accepted" in statuses)
    donation, item, event = pairs["donation"], pairs["item"], pairs["event"]
    structure, household, offer = pairs["structure"], pairs["household"], pairs["offer"]
    item_pk = pairs["item_pk"]
    pages = [
        ("matériel : liste", "technician", url("equipment:list"), {"donation": donation["small"]}, None, {}),
        ("matériel : fiche", "technician", url("equipment:detail", item["small"]), {}, None, {}),
        ("atelier : liste des matériels", "technician", "/admin/equipment/item/", {"donation__id__exact": 0}, 0, 0),
        ("atelier : fiche matériel", "technician", f"/admin/equipment/item/{item_pk['small']}/change/", {}, None, {}),
        ("atelier : fiche don", "technician", f"/admin/donations/donation/{donation['small']}/change/", {}, None, {}),
        ("dons : liste", "coordination", url("donations:list"), {}, None, {}),
        ("dons : fiche", "coordination", url("donations:detail", donation["small"]), {}, None, {}),
        ("propositions : file", "coordination", url("donations:offer_list"), {"statut": offered_tab}, None, {}),
        ("propositions : fiche", "coordination", url("donations:offer_detail", offer["small"]), {}, None, {}),
        ("foyers : liste (prescripteur)", "prescriber_small", url("beneficiaries:list"), {}, None, {}),
        ("foyers : liste (coordination)", "coordination", url("beneficiaries:list"), {"structure": 0}, None, {}),
        ("foyers : fiche", "prescriber_small", url("beneficiaries:detail", household["small"]), {}, None, {}),
        ("événements : liste (prescripteur)", "prescriber_small", url("distributions:list"), {}, None, {}),
        ("événements : liste (coordination)", "coordination", url("distributions:list"), {}, None, {}),
        ("événement : fiche", "coordination", url("distributions:detail", event["small"]), {}, None, {}),
        ("événement : accueil du jour", "coordination", url("distributions:day", event["small"]), {}, None, {}),
        ("événement : attribution", "coordination", url("distributions:allocate", event["small"]), {}, None, {}),
        ("événement : invitations", "coordination", url("distributions:invite", event["small"]), {}, None, {}),
        ("structures : liste", "coordination", url("structures:list"), {}, None, {}),
        ("structures : fiche", "coordination", url("structures:detail", structure["small"]), {}, None, {}),
        ("tableau de bord", "coordination", url("dashboard:index"), {}, None, {}),
        ("mes travaux", "technician", url("jobs:list"), {}, None, {}),
    ]
    larges = {
        "matériel : liste": (url("equipment:list"), {"donation": donation["large"]}),
        "matériel : fiche": (url("equipment:detail", item["large"]), {}),
        "atelier : liste des matériels": ("/admin/equipment/item/", {"donation__id__exact": donation["large"]}),
        "atelier : fiche matériel": (f"/admin/equipment/item/{item_pk['large']}/change/", {}),
        "atelier : fiche don": (f"/admin/donations/donation/{donation['large']}/change/", {}),
        "dons : liste": (url("donations:list"), {"page": 2}),
        "dons : fiche": (url("donations:detail", donation["large"]), {}),
        "propositions : file": (url("donations:offer_list"), {"statut": accepted_tab}),
        "propositions : fiche": (url("donations:offer_detail", offer["large"]), {}),
        "foyers : liste (prescripteur)": (url("beneficiaries:list"), {}),
        "foyers : liste (coordination)": (url("beneficiaries:list"), {"structure": structure["large"]}),
        "foyers : fiche": (url("beneficiaries:detail", household["large"]), {}),
        "événements : liste (prescripteur)": (url("distributions:list"), {}),
        "événements : liste (coordination)": (url("distributions:list"), {}),
        "événement : fiche": (url("distributions:detail", event["large"]), {}),
        "événement : accueil du jour": (url("distributions:day", event["large"]), {}),
        "événement : attribution": (url("distributions:allocate", event["large"]), {}),
        "événement : invitations": (url("distributions:invite", event["large"]), {}),
        "structures : liste": (url("structures:list"), {}),
        "structures : fiche": (url("structures:detail", structure["large"]), {}),
        "tableau de bord": (url("dashboard:index"), {}),
        "mes travaux": (url("jobs:list"), {}),
    }
    fixed = []
    for name, role, small_url, small_params, _, _ in pages:
        if small_params.get("donation__id__exact") == 0:
            small_params = {"donation__id__exact": donation["small"]}
        if small_params.get("structure") == 0:
            small_params = {"structure": structure["small"]}
        large_url, large_params = larges[name]
        large_role = role.replace("_small", "_large")
        fixed.append((name, role, small_url, small_params, large_role, large_url, large_params))
    return fixed


OVERHEAD = re.compile(
    r'^(BEGIN|COMMIT|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK)|"django_session"|FROM "otp_|'
    r'FROM "accounts_user" WHERE "accounts_user"."id" = \d+ LIMIT|'
    r'FROM "accounts_organisation" WHERE "accounts_organisation"."id" = \d+ LIMIT'
)


def _overhead(queries: list[dict]) -> int:
    """Statements every signed-in page pays: session read and save, user, organisation, second-factor device."""
    return sum(1 for query in queries if OVERHEAD.search(query["sql"]))


def query_counts(context) -> list[dict]:
    """Every list and detail page: queries with about 10 rows vs about 200 (equal; at most ~10)."""
    results = []
    try:
        pages = _pages(context)
    except NoReverseMatch as exc:
        return [failed("pages : nombre de requêtes", exc)]
    for name, role, small_url, small_params, large_role, large_url, large_params in pages:
        try:
            counts, overheads = [], []
            for who, url, params in ((role, small_url, small_params), (large_role, large_url, large_params)):
                get(context, who, url, **params)  # warm: caches, session
                with CaptureQueriesContext(connection) as captured:
                    get(context, who, url, **params)
                counts.append(len(captured.captured_queries))
                overheads.append(_overhead(captured.captured_queries))
        except Exception as exc:
            results.append(failed(f"requêtes : {name}", exc))
            continue
        small, large = counts
        results.append(
            row(
                f"requêtes : {name}",
                target=f"égal ; ≤ {QUERY_LIMIT}",
                passed=small == large and large <= QUERY_LIMIT,
                detail=(
                    f"{small} requêtes (≈10 lignes) / {large} (≈200 lignes), "
                    f"dont {overheads[1]} pour la session et le compte"
                ),
                queries_small=small,
                queries_large=large,
                queries_overhead=overheads[1],
            )
        )
    return results


def _page_vs_bare(context, case: str, role: str, url: str, params: dict, *, target_ms: float, max_ratio: float):
    get(context, role, url, **params)
    with CaptureQueriesContext(connection) as captured:
        get(context, role, url, **params)
    queries = [query["sql"] for query in captured.captured_queries]
    page = samples(lambda: get(context, role, url, **params), 30, warmup=3)
    bare = replay(queries, 30)
    ratio = p50(page) / p50(bare)
    return row(
        case,
        page,
        floor=p50(bare),
        ratio=ratio,
        target=f"p50 ≤ {target_ms:g} ms ; ratio ≤ {max_ratio:g}",
        passed=p50(page) <= target_ms and ratio <= max_ratio,
        detail=f"{len(queries)} requêtes rejouées",
    )


# Filter values read from the bench's data when the case runs.
COMMUNE, SERIAL = "<une commune>", "<le n° de série d'un matériel>"
# The list pages whose targets count (docs/guides/performance.md): (case, role, URL name, filters).
LIST_PAGES = [
    (
        "liste matériel filtrée (50 lignes)",
        "technician",
        "equipment:list",
        {"status": "refurbished", "category": "screen"},
    ),
    ("liste matériel, recherche par modèle", "technician", "equipment:list", {"q": "ProDesk"}),
    # One item's serial number (read from the bench's items): a rare term must go through the indexes, not the table.
    ("liste matériel, recherche d'un n° de série", "technician", "equipment:list", {"q": SERIAL}),
    ("liste foyers d'une structure (prescripteur)", "prescriber", "beneficiaries:list", {}),
    ("liste foyers filtrée par commune (coordination)", "coordination", "beneficiaries:list", {"commune": COMMUNE}),
    ("liste foyers filtrée par statut (coordination)", "coordination", "beneficiaries:list", {"status": "eligible"}),
]
LIST_TARGET_MS = 30


def signed_in_bare_view(context, role: str) -> list[float]:
    """The floor of a signed-in page: the bare view through the same middleware, with the role's own client."""
    url = reverse("bench_bare")
    return samples(lambda: get(context, role, url), 200, warmup=20)


def list_pages(context) -> list[dict]:
    """Household and item list pages at 100,000 items / 50,000 households: p50 in the process (target ≤ 30 ms).

    The floor beside it is the signed-in bare view through the same middleware, with the same client (session,
    account and second factor read: the work every signed-in page must do); the ratio to it is for information, as
    is the page's SQL replayed bare (in the detail)."""
    from equipment.models import Item
    from territory.models import Commune

    read = {
        COMMUNE: Commune.objects.order_by("pk").values_list("pk", flat=True)[3],
        SERIAL: Item.objects.exclude(serial_number="").order_by("pk").values_list("serial_number", flat=True)[5000],
    }
    floors: dict[str, list[float]] = {}
    results = []
    for name, role, url_name, params in LIST_PAGES:
        params = {key: read.get(value, value) for key, value in params.items()}
        url = reverse(url_name)
        try:
            get(context, role, url, **params)
            with CaptureQueriesContext(connection) as captured:
                get(context, role, url, **params)
            queries = [query["sql"] for query in captured.captured_queries]
            page = samples(lambda role=role, url=url, params=params: get(context, role, url, **params), 30, warmup=3)
            if role not in floors:
                floors[role] = signed_in_bare_view(context, role)
            sql = replay(queries, 30)
            floor = p50(floors[role])
            results.append(
                row(
                    name,
                    page,
                    floor=floor,
                    ratio=p50(page) / floor,
                    target=f"p50 ≤ {LIST_TARGET_MS} ms",
                    passed=p50(page) <= LIST_TARGET_MS,
                    detail=(
                        f"plancher : vue nue connectée ({role}) ; {len(queries)} requêtes, "
                        f"SQL rejoué nu {p50(sql):.1f} ms"
                    ),
                    sql_ms=round(p50(sql), 2),
                )
            )
        except Exception as exc:
            results.append(failed(name, exc))
    return results


def last_page(context) -> list[dict]:
    """Last page vs first page of a 100,000-row list (the equipment list, unfiltered)."""
    from core.pagination import LargeTablePaginator
    from equipment.models import Item

    url = reverse("equipment:list")
    last = LargeTablePaginator(Item.objects.all(), 50).num_pages
    first = samples(lambda: get(context, "technician", url), 30)
    end = samples(lambda: get(context, "technician", url, page=last), 30)
    ratio = p50(end) / p50(first)
    return [
        row(
            "dernière page / première page (100 000 matériels)",
            end,
            floor=p50(first),
            ratio=ratio,
            target="ratio ≤ 1.5",
            passed=ratio <= 1.5,
            detail=f"page {last}",
        )
    ]


def dashboard(context) -> list[dict]:
    """Dashboard for a year: p50, and ratio to its floor, the signed-in bare view plus its GROUP BY queries run bare.

    Re-based like the lists: session, account and second factor are work every signed-in page must do, so the floor
    is the bare view through the same middleware (same client) plus the SQL the figures need. The ratio to the bare
    GROUP BY alone is kept in the detail, for information."""
    from django.utils import timezone

    url = reverse("dashboard:index")
    year = timezone.localdate().year - 1
    params = {"annee": year}
    get(context, "coordination", url, **params)
    with CaptureQueriesContext(connection) as captured:
        get(context, "coordination", url, **params)
    grouped = [query["sql"] for query in captured.captured_queries if "GROUP BY" in query["sql"].upper()]
    query_count = len(captured.captured_queries)
    bare_view = signed_in_bare_view(context, "coordination")
    page = samples(lambda: get(context, "coordination", url, **params), 40, warmup=5)
    bare = replay(grouped, 40) if grouped else [float("nan")]
    floor = p50(bare_view) + p50(bare)
    ratio = p50(page) / floor if grouped else None
    return [
        row(
            f"tableau de bord {year}",
            page,
            floor=floor if grouped else None,
            ratio=ratio,
            target="p50 ≤ 60 ms ; ratio ≤ 1.3",
            passed=bool(grouped) and p50(page) <= 60 and ratio <= 1.3,
            detail=(
                f"{query_count} requêtes dont {len(grouped)} GROUP BY ; plancher : vue nue connectée "
                f"{p50(bare_view):.1f} ms + GROUP BY nus {p50(bare):.1f} ms (ratio à ces seuls GROUP BY : "
                f"{p50(page) / p50(bare):.2f}, pour information)"
            ),
        )
    ]


EXPORT_COPY = """
COPY (
    SELECT i.asset_tag, i.category, i.manufacturer, i.model, i.serial_number, i.status, i.received_on,
           d.name, i.weight_kg, i.notes
    FROM equipment_item i
    LEFT JOIN donations_donation o ON o.id = i.donation_id
    LEFT JOIN donations_donor d ON d.id = o.donor_id
    ORDER BY i.received_on, i.id
) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';')
"""


def csv_export(context) -> list[dict]:
    """CSV export of 100,000 items: ratio to PostgreSQL COPY … TO, time to first byte, memory growth."""
    url = reverse("equipment:export")
    export_client = client(context, "technician")

    def export(params=None):
        start = time.perf_counter()
        response = export_client.get(url, params)
        first = None
        size = 0
        for chunk in response.streaming_content:
            if first is None:
                first = (time.perf_counter() - start) * 1000
            size += len(chunk)
        response.close()
        return first, size

    def copy_to():
        with bare_connection() as bare, bare.cursor() as cursor, cursor.copy(EXPORT_COPY) as copy:
            for _ in copy:
                pass

    export()
    firsts, totals = [], []
    for _ in range(3):
        start = time.perf_counter()
        first, size = export()
        totals.append((time.perf_counter() - start) * 1000)
        firsts.append(first)
    floor = samples(copy_to, 3, warmup=1)
    ratio = p50(totals) / p50(floor)
    # Memory: Python allocations at their peak while streaming 10,000 rows, then 100,000 rows.
    peaks = {}
    for label, params in (("10k", {"received_after": _date_for_rows(10_000)}), ("100k", None)):
        tracemalloc.start()
        export(params)
        peaks[label] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    growth = peaks["100k"] / peaks["10k"]
    return [
        row(
            "export CSV 100 000 matériels",
            totals,
            floor=p50(floor),
            ratio=ratio,
            target="ratio ≤ 4",
            passed=ratio <= 4,
            detail=f"{size / 2**20:.1f} Mio",
        ),
        row(
            "export CSV : premier octet",
            firsts,
            target="≤ 200 ms",
            passed=p50(firsts) <= 200,
        ),
        row(
            "export CSV : mémoire (pic 100k / pic 10k)",
            ratio=growth,
            target="plate (≤ 1.5)",
            passed=growth <= 1.5,
            detail=f"pic {peaks['10k']:.1f} Mio pour 10 000 lignes, {peaks['100k']:.1f} Mio pour 100 000",
        ),
    ]


def _date_for_rows(rows: int) -> str:
    from equipment.models import Item

    day = Item.objects.order_by("-received_on").values_list("received_on", flat=True)[rows]
    return day.isoformat()


def csv_import(context) -> list[dict]:
    """CSV import of 10,000 items, validated, all or nothing: rows per second."""
    from bench.test_import_equipment_speed import ROWS, _content
    from equipment.imports.items_csv import items_import_csv

    content = _content()

    def once():
        with transaction.atomic():
            report = items_import_csv(content=content, filename="banc.csv")
            assert report.errors == [] and len(report.created) == ROWS, report.errors[:3]
            transaction.set_rollback(True)  # the bench database stays as generated

    timings = samples(once, 3, warmup=1)
    vacuum_analyze()  # four imports of 10,000 rows rolled back: 40,000 dead rows
    rate = ROWS / (p50(timings) / 1000)
    return [
        row(
            "import CSV 10 000 matériels",
            timings,
            target="≥ 5 000 lignes/s",
            passed=rate >= 5000,
            detail=f"{rate:,.0f} lignes/s (écriture annulée après chaque essai)".replace(",", " "),
            rows_per_second=round(rate),
        )
    ]


WEB_ROWS = 100_000


def _web_csv() -> bytes:
    from equipment.imports.csv_rows import HEADER

    categories, statuses = ["screen", "desktop", "keyboard", "mouse", "laptop"], ["received", "in_audit", "recycled"]
    lines = [",".join(HEADER)]
    for n in range(WEB_ROWS):
        serial = f"WEBSN{n:07d}" if n % 3 else ""
        category, status = categories[n % 5], statuses[(n // 5) % 3]
        day = f"2023-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        lines.append(f"WEB-{n:06d},{category},Marque,Modèle {n % 7},{serial},{status},{day},Banc web {n % 40},3.5,")
    return ("\n".join(lines) + "\n").encode()


def _web_import_clean() -> None:
    """The bench database stays as generated: the file's items, their history and log, donors and jobs go."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM equipment_statuschange WHERE item_id IN "
            "(SELECT id FROM equipment_item WHERE asset_tag LIKE 'WEB-%%')"
        )
        cursor.execute("DELETE FROM equipment_historicalitem WHERE asset_tag LIKE 'WEB-%%'")
        cursor.execute("DELETE FROM equipment_item WHERE asset_tag LIKE 'WEB-%%'")
        cursor.execute(
            "DELETE FROM donations_donation WHERE donor_id IN "
            "(SELECT id FROM donations_donor WHERE name LIKE 'Banc web %%')"
        )
        cursor.execute("DELETE FROM donations_donor WHERE name LIKE 'Banc web %%'")
        cursor.execute("DELETE FROM jobs_job WHERE kind LIKE 'equipment.items_import%%'")
    vacuum_analyze()


def csv_import_web(context) -> list[dict]:
    """CSV import of 100,000 items on the web, end to end: upload, check and import in a task worker, pages."""
    import subprocess
    import sys
    import tempfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from equipment.models import Item
    from jobs.models import Job, JobStatus

    content = _web_csv()
    web = client(context, "technician")
    media = tempfile.mkdtemp(prefix="filiere-bench-media-")
    env = {**os.environ, "MEDIA_ROOT": media, "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    requests, steps = {}, {}

    def timed(name, call):
        started = time.perf_counter()
        response = call()
        requests[name] = (time.perf_counter() - started) * 1000
        if response.status_code not in (200, 302):
            raise AssertionError(f"{name} → HTTP {response.status_code}")
        return response

    def wait(kind, since):
        while True:
            job = Job.objects.filter(kind=kind).order_by("-created_at").first()
            if job is not None and job.status in (JobStatus.DONE, JobStatus.FAILED):
                steps[kind] = time.perf_counter() - since
                if job.status == JobStatus.FAILED:
                    raise AssertionError(f"{kind} : {job.error}")
                return job
            if worker.poll() is not None:
                raise AssertionError("le worker s'est arrêté")
            time.sleep(0.2)

    _web_import_clean()
    try:
        with override_settings(MEDIA_ROOT=media, TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            started = time.perf_counter()
            upload = SimpleUploadedFile("banc-web.csv", content, content_type="text/csv")
            timed("envoi du fichier", lambda: web.post(reverse("equipment:import"), {"file": upload}))
            wait("equipment.items_import_check", started)
            preview = timed("aperçu", lambda: web.get(reverse("equipment:import_confirm")))
            digest = re.search(r'name="digest" value="([0-9a-f]+)"', preview.content.decode()).group(1)
            confirmed = time.perf_counter()
            timed(
                "confirmation",
                lambda: web.post(reverse("equipment:import_confirm"), {"confirm": "", "digest": digest}),
            )
            wait("equipment.items_import", confirmed)
            total = time.perf_counter() - started
            created = Item.objects.filter(asset_tag__startswith="WEB-").count()
    finally:
        worker.terminate()
        worker.wait(timeout=120)
        _web_import_clean()
    slowest = max(requests.values())
    return [
        row(
            "import CSV 100 000 matériels par le web (de bout en bout)",
            [total * 1000],
            target="importé ; chaque page ≪ 30 s",
            passed=created == WEB_ROWS and slowest < 5000,
            detail=(
                f"{len(content) / 2**20:.1f} Mio ; vérification {steps['equipment.items_import_check']:.1f} s, "
                f"import {steps['equipment.items_import']:.1f} s "
                f"({round(WEB_ROWS / steps['equipment.items_import']):_} lignes/s) ; pages : ".replace("_", " ")
                + ", ".join(f"{name} {ms:.0f} ms" for name, ms in requests.items())
            ),
            created=created,
        )
    ]


def handover_sheets(context) -> list[dict]:
    """Handover sheets of a 40-household event: seconds, and ratio 40 sheets / (40 × 1 sheet)."""
    from distributions.events.models import Event, Invitation

    try:
        reverse("distributions:sheets", args=[1])
    except NoReverseMatch:
        return [skipped("fiches de remise (40 foyers)", "pas encore de fiches de remise dans distributions/")]
    event = Event.objects.filter(pk__in=context["planned_event_ids"]).order_by("pk").first()
    count = Invitation.objects.filter(event=event, pack__isnull=False).count()
    one = Invitation.objects.filter(event=event, pack__isnull=False).order_by("pk").first()
    whole_url = reverse("distributions:sheets", args=[event.pk])
    one_url = reverse("distributions:sheet", args=[event.pk, one.pk])
    whole = samples(lambda: get(context, "coordination", whole_url), 3, warmup=1)
    single = samples(lambda: get(context, "coordination", one_url), 5, warmup=1)
    ratio = p50(whole) / (count * p50(single))
    return [
        row(
            f"fiches de remise ({count} foyers)",
            whole,
            floor=count * p50(single),
            ratio=ratio,
            target="≤ 4 s ; ratio ≤ 1.2",
            passed=p50(whole) <= 4000 and ratio <= 1.2,
            detail=f"une fiche seule : {p50(single):.0f} ms",
        )
    ]


def snapshots(context) -> list[dict]:
    """Hardware snapshot import: the shared real snapshots, each imported 20 times, median per snapshot."""
    from bench.snapshot_import import SERIALS, SNAPSHOTS
    from equipment.snapshots import load
    from equipment.snapshots.services import snapshot_import

    results = []
    for name, serial in SERIALS.items():
        content = (SNAPSHOTS / name).read_bytes()
        old_uuid = load(content)["uuid"].encode()
        timings = []
        with transaction.atomic():
            for n in range(22):
                variant = content.replace(old_uuid, str(uuid.uuid4()).encode()).replace(
                    serial, f"BANC{n:04d}{serial.decode()[:4]}".encode()
                )
                start = time.perf_counter()
                snapshot_import(data=variant)
                timings.append((time.perf_counter() - start) * 1000)
            transaction.set_rollback(True)
        timings = timings[2:]  # the first two warm the parser's caches
        results.append(
            row(
                f"rapport matériel : {name}",
                timings,
                target="médiane ≤ 50 ms",
                passed=p50(timings) <= 50,
                detail="20 imports",
            )
        )
    return results


def middleware(context) -> list[dict]:
    """Full middleware stack vs a bare view (the same view, no middleware), in the process and over HTTP: for
    information only (session, account and second factor are necessary work; the list pages' floor is the signed-in
    bare view through this same stack)."""
    url = reverse("bench_bare")
    anonymous = Client()
    full = samples(lambda: anonymous.get(url), 1000, warmup=50)
    with override_settings(MIDDLEWARE=[]):
        nothing = Client()
        bare = samples(lambda: nothing.get(url), 1000, warmup=50)
    logged_in = client_for(context["users"]["prescriber"])
    signed = samples(lambda: logged_in.get(url), 300, warmup=20)
    ratio = p50(full) / p50(bare)
    return [
        row(
            "pile de middlewares complète / vue nue (anonyme)",
            full,
            floor=p50(bare),
            ratio=ratio,
            target="(pour information)",
            passed=None,
            detail=f"{len(settings.MIDDLEWARE)} middlewares, dans le processus (client de test de Django)",
        ),
        row(
            "pile de middlewares complète / vue nue (connecté)",
            signed,
            floor=p50(bare),
            ratio=p50(signed) / p50(bare),
            target="(pour information)",
            passed=None,
            detail="session et compte lus (session réenregistrée au plus une fois par minute)",
        ),
        *_middleware_over_http(),
    ]


def _middleware_over_http() -> list[dict]:
    """The same comparison as a person's browser sees it: gunicorn as in production (bench/loadtest.py), wrk on the
    loopback, the bare view through the full stack against a second gunicorn with no middleware; rounds alternated,
    best round of each. Times are per request of the whole server (1 / requests per second)."""
    import shutil

    from bench import loadtest

    case = "pile de middlewares / vue nue, en HTTP (anonyme)"
    if not shutil.which("wrk"):
        return [skipped(case, "wrk absent (apt-get install wrk)")]
    sessions = loadtest.session_cookies(loadtest.CONNECTIONS)
    script = loadtest.rotating_cookies_script([cookie for cookie, _ in sessions])
    env = loadtest.server_env()
    port, bare_port = loadtest.free_ports(2)
    path = reverse("bench_bare")
    with (
        loadtest.gunicorn(env, port) as server,
        loadtest.gunicorn({**env, "BENCH_MIDDLEWARE": "none"}, bare_port) as bare_server,
    ):
        best = loadtest.measure(
            {
                "full": (f"http://{loadtest.HOST}:{port}{path}", None, server.pid),
                "signed_in": (f"http://{loadtest.HOST}:{port}{path}", script, server.pid),
                "none": (f"http://{loadtest.HOST}:{bare_port}{path}", None, bare_server.pid),
            },
            rounds=3,
            seconds=4,
        )
    per_request = {name: 1000 / measured["requests_per_second"] for name, measured in best.items()}
    cpu = {name: measured["server_cpu_ms_per_request"] for name, measured in best.items()}

    def cpu_detail(name: str) -> str:
        if not (cpu[name] and cpu["none"]):
            return ""
        times = f"{cpu[name]:.2f} contre {cpu['none']:.2f} ms/requête"
        return f" ; CPU de gunicorn {times} (×{cpu[name] / cpu['none']:.2f})"

    ratio = per_request["full"] / per_request["none"]
    workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() * 2 + 1))
    setup = f"gunicorn {workers} workers, wrk {loadtest.CONNECTIONS} connexions, meilleure de 3 manches"
    return [
        row(
            case,
            floor=per_request["none"],
            ratio=ratio,
            target="(pour information)",
            passed=None,
            detail=(
                f"{best['full']['requests_per_second']:.0f} requêtes/s contre "
                f"{best['none']['requests_per_second']:.0f} sans middleware{cpu_detail('full')} ; {setup}"
            ),
            p50_ms=round(per_request["full"], 2),
        ),
        row(
            "pile de middlewares / vue nue, en HTTP (connecté)",
            floor=per_request["none"],
            ratio=per_request["signed_in"] / per_request["none"],
            target="(pour information)",
            passed=None,
            detail=(
                f"{best['signed_in']['requests_per_second']:.0f} requêtes/s, "
                f"{loadtest.CONNECTIONS} sessions de prescripteurs en alternance{cpu_detail('signed_in')}"
            ),
            p50_ms=round(per_request["signed_in"], 2),
        ),
    ]


def million_items(context) -> list[dict]:
    """1,000,000 items: list pages must not spend most of their time counting rows."""
    from django.core.paginator import Paginator
    from django.utils import timezone

    from core import pagination
    from equipment.models import Item

    current = Item.objects.count()
    start_id = Item.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    items_add(1_000_000 - current, start_id=start_id, now=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE equipment_item")
    url = reverse("equipment:list")
    page = samples(lambda: get(context, "technician", url), 20)
    count_exact = replay(["SELECT COUNT(*) FROM equipment_item"], 10)
    estimate = samples(lambda: pagination.LargeTablePaginator(Item.objects.all(), 50).count, 20)
    filtered = samples(lambda: get(context, "technician", url, status="refurbished"), 20)
    # The same page with Django's plain Paginator (exact COUNT(*) every time), for comparison.
    import equipment.views

    equipment.views.LargeTablePaginator = Paginator
    try:
        plain = samples(lambda: get(context, "technician", url), 10)
    finally:
        equipment.views.LargeTablePaginator = pagination.LargeTablePaginator
    share = p50(estimate) / p50(page)
    return [
        row(
            "1 000 000 matériels : liste, part du comptage",
            page,
            floor=p50(estimate),
            ratio=share,
            target="comptage < 50 % de la page",
            passed=share < 0.5,
            detail=(
                f"comptage estimé : {p50(estimate):.2f} ms ({share:.1%} de la page) ; "
                f"COUNT(*) exact : {p50(count_exact):.0f} ms ; page avec le Paginator de Django : "
                f"{p50(plain):.0f} ms ; liste filtrée (plus de 10 000) : {p50(filtered):.0f} ms"
            ),
        )
    ]


def lists_over_http(context) -> list[dict]:
    """List pages over HTTP (gunicorn, wrk): throughput ≥ 0.3 × the signed-in bare view's, in the same run."""
    import shutil

    from bench import loadtest

    if not shutil.which("wrk"):
        return [skipped("listes en HTTP / vue nue connectée", "wrk absent (apt-get install wrk)")]
    report = loadtest.lists_vs_bare(rounds=5, seconds=4)
    results = []
    for measured in report["lists"]:
        results.append(
            row(
                f"HTTP : {measured['case']}",
                floor=1000 / measured["bare_requests_per_second"],
                ratio=measured["ratio"],
                target=f"débit ≥ {loadtest.TARGET} × vue nue connectée",
                passed=measured["passed"],
                detail=(
                    f"{measured['requests_per_second']:.0f} contre {measured['bare_requests_per_second']:.0f} "
                    f"requêtes/s (vue nue, mêmes sessions) ; ratio par manche "
                    f"{' / '.join(str(value) for value in measured['round_ratios'])} ; {report['setup']['client']}"
                ),
                p50_ms=round(1000 / measured["requests_per_second"], 2),
            )
        )
    return results


ALL_CASES = [
    query_counts,
    list_pages,
    last_page,
    dashboard,
    csv_export,
    csv_import,
    csv_import_web,
    handover_sheets,
    snapshots,
    middleware,
    lists_over_http,
    million_items,
]


def snapshot_upload_http(context) -> list[dict]:
    """Workbench upload over HTTP (gunicorn) against the in-process import of the same snapshot, per sample file."""
    from bench import snapshot_api

    rows, ratios = [], []
    for name, over_http, in_process in snapshot_api.http_against_in_process():
        ratio = p50(over_http) / p50(in_process)
        ratios.append(ratio)
        rows.append(
            row(
                f"envoi Workbench en HTTP : {name}",
                over_http,
                floor=p50(in_process),
                ratio=ratio,
                target="(par fichier)",
                passed=None,
                detail=f"{len(over_http)} envois ; plancher : l'import du même rapport dans le processus",
            )
        )
    overall = statistics.median(ratios)
    rows.append(
        row(
            "envoi Workbench en HTTP / import dans le processus (médiane des fichiers)",
            ratio=overall,
            target="ratio ≤ 2",
            passed=overall <= 2,
            detail="gunicorn 2 workers, client urllib comme workbench-script, une connexion par envoi",
        )
    )
    return rows


def snapshot_pileup(context) -> list[dict]:
    """The 40th snapshot of one machine imports as fast as the first ones (DeviceHub slows as they pile up)."""
    from bench import snapshot_api

    measured = snapshot_api.pileup(40)
    timings, queries = measured["timings"], measured["queries"]
    early, late = timings[1:6], timings[-5:]  # the first import creates the item: not the same work
    ratio = p50(late) / p50(early)
    return [
        row(
            "40 rapports d'une même machine : imports 36-40 / imports 2-6",
            late,
            floor=p50(early),
            ratio=ratio,
            target="ratio ≤ 1.25 ; requêtes égales",
            passed=ratio <= 1.25 and queries[1] == queries[-1],
            detail=f"requêtes par import : {queries[1]} (2e) → {queries[-1]} (40e)",
        )
    ]


def devicehub_comparison(context) -> list[dict]:
    """DeviceHub on the same files: not measurable here (reported, not run)."""
    return [
        skipped(
            "import DeviceHub sur les mêmes fichiers (objectif ≥ 3× plus lent que Filière)",
            "DeviceHub n'est pas installable ici : PyPI ne publie que ereuse-devicehub 0.1.1 (2016 : Flask, Eve, "
            "MongoDB ; antérieur aux formats Workbench 11 et workbench-script), le DeviceHub actuel "
            "(devicehub-django) n'y est pas, et rien d'autre que PyPI, Debian et npm n'est joignable",
        )
    ]


ALL_CASES += [snapshot_upload_http, snapshot_pileup, devicehub_comparison]
