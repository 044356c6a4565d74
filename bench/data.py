"""Realistic volume for the benchmarks, written with PostgreSQL's COPY (seconds, not minutes).

100,000 items across 5,000 donations (every status, drives and erasures for computers, status log and history
rows, WEEE shipments), 50,000 households across 40 structures with certifications, 500 distribution events
with invitations and packs (handed over for past events, allocated for planned ones).
Identifiers are chosen here (so rows can point at each other without reading back); sequences are reset at the end.
"""

import datetime
import random
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from beneficiaries.models import Certification, Household, household_name_key
from core.text import compact_key
from distributions.events.models import Event, Invitation
from distributions.packs.models import Pack, PackItem, PackTemplate
from donations.models import Donation, Donor
from equipment.enums import DEFAULT_WEEE_CATEGORY, ItemCategory, ItemStatus
from equipment.models import Drive, ErasureRecord, Item, StatusChange, WeeeShipment
from territory.models import Commune

PASSWORD = "bench-mot-de-passe"  # noqa: S105 — throwaway accounts of the throwaway bench database
CATEGORY_WEIGHTS = {
    ItemCategory.SCREEN: 20,
    ItemCategory.DESKTOP: 20,
    ItemCategory.LAPTOP: 8,
    ItemCategory.KEYBOARD: 17,
    ItemCategory.MOUSE: 17,
    ItemCategory.CABLE: 14,
    ItemCategory.UPS: 2,
    ItemCategory.OTHER: 2,
}
# Before packs take their items (refurbished -> reserved / distributed).
STATUS_WEIGHTS = {
    ItemStatus.RECEIVED: 12,
    ItemStatus.IN_AUDIT: 13,
    ItemStatus.REFURBISHED: 40,
    ItemStatus.RECYCLED: 35,
}
PATHS = {
    ItemStatus.RECEIVED: [ItemStatus.RECEIVED],
    ItemStatus.IN_AUDIT: [ItemStatus.RECEIVED, ItemStatus.IN_AUDIT],
    ItemStatus.REFURBISHED: [ItemStatus.RECEIVED, ItemStatus.IN_AUDIT, ItemStatus.REFURBISHED],
    ItemStatus.RESERVED: [ItemStatus.RECEIVED, ItemStatus.IN_AUDIT, ItemStatus.REFURBISHED, ItemStatus.RESERVED],
    ItemStatus.DISTRIBUTED: [
        ItemStatus.RECEIVED,
        ItemStatus.IN_AUDIT,
        ItemStatus.REFURBISHED,
        ItemStatus.RESERVED,
        ItemStatus.DISTRIBUTED,
    ],
    ItemStatus.RECYCLED: [ItemStatus.RECEIVED, ItemStatus.IN_AUDIT, ItemStatus.RECYCLED],
}
MODELS = {
    ItemCategory.SCREEN: [("Dell", "P2217H"), ("HP", "E223"), ("Iiyama", "ProLite E2283HS"), ("Philips", "223V5")],
    ItemCategory.DESKTOP: [("HP", "ProDesk 400 G4"), ("Dell", "OptiPlex 7050"), ("Lenovo", "ThinkCentre M710q")],
    ItemCategory.LAPTOP: [("Lenovo", "ThinkPad T480"), ("HP", "ProBook 450 G5"), ("Dell", "Latitude 5490")],
    ItemCategory.KEYBOARD: [("Logitech", "K120"), ("Dell", "KB216")],
    ItemCategory.MOUSE: [("Logitech", "B100"), ("Dell", "MS116")],
    ItemCategory.CABLE: [("", "Câble VGA"), ("", "Câble d'alimentation")],
    ItemCategory.UPS: [("APC", "Back-UPS 650")],
    ItemCategory.OTHER: [("", "Station d'accueil")],
}
LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia "
)
LAST_NAMES += "David Bertrand Roux Vincent Fournier Morel Girard Andre Lefevre Mercier Dupont Lambert Bonnet Francois"
FIRST_NAMES = "Marie Jean Pierre Nathalie Isabelle Sylvie Catherine Michel Philippe Alain Nicolas Sophie Julie Kevin "
FIRST_NAMES += "Sarah Mohamed Fatima Yasmine Lucas Emma Chloe Hugo Lea Manon Thomas Camille Ines Nadia Karim Samira"
STREETS = [
    "rue Jean Jaurès",
    "rue Victor Hugo",
    "avenue de la République",
    "rue Pasteur",
    "place du Général de Gaulle",
]


class Volume:
    def __init__(self, items=100_000, donations=5_000, households=50_000, structures=40, events=500):
        self.items, self.donations, self.households = items, donations, households
        self.structures, self.events = structures, events


def _raw_cursor():
    return connection.cursor().cursor  # psycopg's own cursor, for COPY


def copy_rows(model: type[models.Model], columns: list[str], rows, *, now: datetime.datetime) -> int:
    """COPY rows (tuples in `columns` order, attnames) into the model's table; other columns take their default."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    extra_columns, extra_values = [], []
    for attname, field in fields.items():
        if attname in columns or (field.primary_key and isinstance(field, models.AutoField)):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif isinstance(field, models.DateTimeField) and not field.null and not field.has_default():
            value = now  # history tables copy auto_now fields without auto_now
        else:
            value = field.get_default()
            if isinstance(field, models.JSONField):
                value = Jsonb(value)
        if value is None and not field.null:
            raise ValueError(f"{model.__name__}.{attname}: valeur requise")
        extra_columns.append(field.column)
        extra_values.append(value)
    column_names = [fields[name].column for name in columns] + extra_columns
    sql = f'COPY "{model._meta.db_table}" ({", ".join(column_names)}) FROM STDIN'
    extra = tuple(extra_values)
    count = 0
    with _raw_cursor().copy(sql) as copy:
        for row in rows:
            copy.write_row(row + extra)
            count += 1
    return count


def _spread(start: datetime.date, end: datetime.date, index: int, total: int) -> datetime.date:
    return start + datetime.timedelta(days=(end - start).days * index // max(total, 1))


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def organisations_and_users(volume: Volume) -> dict:
    """The bench's organisations and accounts (ORM: a few dozen rows)."""
    password = make_password(PASSWORD)
    coordination = Organisation.objects.create(name="Bench coordination", kind=OrganisationKind.COORDINATION)
    refurbisher = Organisation.objects.create(name="Bench atelier", kind=OrganisationKind.REFURBISHER)
    partner = Organisation.objects.create(name="Bench partenaire", kind=OrganisationKind.PARTNER)
    structures = Organisation.objects.bulk_create(
        Organisation(name=f"CCAS bench {n:02d}", kind=OrganisationKind.STRUCTURE) for n in range(volume.structures)
    )

    def user(username, organisation, **extra):
        return User(username=username, organisation=organisation, password=password, **extra)

    users = [
        user("bench-coordination", coordination, is_staff=True),
        user("bench-technicien", refurbisher, is_staff=True),
        user("bench-partenaire", partner),
    ]
    users += [user(f"bench-prescripteur-{n:02d}", structure) for n, structure in enumerate(structures)]
    User.objects.bulk_create(users)
    by_name = {user.username: user for user in User.objects.filter(username__startswith="bench-")}
    return {
        "coordination": by_name["bench-coordination"],
        "technician": by_name["bench-technicien"],
        "partner_user": by_name["bench-partenaire"],
        "partner": partner,
        "structures": structures,
        "prescribers": [by_name[f"bench-prescripteur-{n:02d}"] for n in range(volume.structures)],
    }


def equipment(volume: Volume, people: dict, rng: random.Random, today: datetime.date, now) -> dict:
    """Donors, donations, items (with history, status log, drives, erasures) and WEEE shipments."""
    technician_id = people["technician"].pk
    start = today - datetime.timedelta(days=8 * 365)
    donor_count = max(volume.donations // 6, 1)
    copy_rows(
        Donor,
        ["id", "name", "kind"],
        ((n, f"Donateur bench {n:05d}", "company") for n in range(1, donor_count + 1)),
        now=now,
    )
    donation_days = {}

    def donations():
        for n in range(1, volume.donations + 1):
            day = _spread(start, today - datetime.timedelta(days=3), n, volume.donations)
            donation_days[n] = day
            yield (n, f"DON-{day.year}-{n:05d}", rng.randint(1, donor_count), day, volume.items // volume.donations)

    copy_rows(Donation, ["id", "reference", "donor_id", "received_on", "announced_count"], donations(), now=now)

    categories = list(CATEGORY_WEIGHTS)
    category_weights = list(CATEGORY_WEIGHTS.values())
    statuses = list(STATUS_WEIGHTS)
    status_weights = list(STATUS_WEIGHTS.values())
    shipments = 200
    copy_rows(
        WeeeShipment,
        ["id", "recycler", "shipped_on", "slip_number"],
        ((n, "Envie 2E Nord", _spread(start, today, n, shipments), f"BSD-{n:05d}") for n in range(1, shipments + 1)),
        now=now,
    )
    # Item rows first as dicts (packs change some statuses before anything is written).
    items = []
    per_donation = volume.items // volume.donations
    for n in range(1, volume.items + 1):
        donation_id = (n - 1) // per_donation + 1
        category = rng.choices(categories, category_weights)[0]
        manufacturer, model = rng.choice(MODELS[category])
        items.append(
            {
                "id": n,
                "category": category,
                "status": rng.choices(statuses, status_weights)[0],
                "donation_id": min(donation_id, volume.donations),
                "received_on": donation_days[min(donation_id, volume.donations)],
                "manufacturer": manufacturer,
                "model": model,
                "serial": f"SN{n:09d}" if rng.random() < 0.85 else "",
            }
        )
    return {"items": items, "shipments": shipments, "technician_id": technician_id}


def items_write(state: dict, rng: random.Random, today: datetime.date, now) -> None:
    items = state["items"]
    technician_id = state["technician_id"]
    recycled_count = 0

    def item_rows():
        nonlocal recycled_count
        for item in items:
            recycled = item["status"] == ItemStatus.RECYCLED
            shipment = None
            if recycled:
                recycled_count += 1
                if recycled_count % 3:  # two recycled items in three have left with a shipment
                    shipment = recycled_count % state["shipments"] + 1
            computer = item["category"] in (ItemCategory.DESKTOP, ItemCategory.LAPTOP)
            yield (
                item["id"],
                f"PH-{item['id']:07d}",
                str(item["category"]),
                str(item["status"]),
                item["donation_id"],
                item["received_on"],
                item["manufacturer"],
                item["model"],
                item["serial"],
                "Intel Core i5-6500" if computer else "",
                8192 if computer else None,
                Decimal("4.20"),
                "Hors d'usage" if recycled else "",
                str(DEFAULT_WEEE_CATEGORY[item["category"]]) if recycled else "",
                shipment,
                _aware(item["received_on"] + datetime.timedelta(days=20)),
                # The volume stands for years of history brought in past the audit, as the CSV import does: the
                # storage rule's triggers accept such computers only as exempt.
                computer and item["status"] not in (ItemStatus.RECEIVED, ItemStatus.IN_AUDIT),
            )

    columns = [
        "id",
        "asset_tag",
        "category",
        "status",
        "donation_id",
        "received_on",
        "manufacturer",
        "model",
        "serial_number",
        "cpu",
        "ram_mb",
        "weight_kg",
        "recycling_reason",
        "weee_category",
        "weee_shipment_id",
        "status_changed_at",
        "erasure_exempt",
    ]
    copy_rows(Item, columns, item_rows(), now=now)
    history = apps.get_model("equipment", "HistoricalItem")
    copy_rows(
        history,
        ["id", "asset_tag", "category", "status", "donation_id", "received_on", "history_date", "history_type"],
        (
            (
                item["id"],
                f"PH-{item['id']:07d}",
                str(item["category"]),
                str(item["status"]),
                item["donation_id"],
                item["received_on"],
                _aware(item["received_on"]),
                "+",
            )
            for item in items
        ),
        now=now,
    )

    def status_rows():
        for item in items:
            previous = ""
            for step, status in enumerate(PATHS[item["status"]]):
                at = _aware(item["received_on"] + datetime.timedelta(days=5 * step), 9 + step)
                yield (item["id"], previous, str(status), technician_id if step else None, at)
                previous = str(status)

    copy_rows(StatusChange, ["item_id", "from_status", "to_status", "by_id", "at"], status_rows(), now=now)
    computers = [item for item in items if item["category"] in (ItemCategory.DESKTOP, ItemCategory.LAPTOP)]
    copy_rows(
        Drive,
        ["id", "item_id", "kind", "serial_number", "size_gb"],
        ((item["id"], item["id"], "ssd", f"DRV{item['id']:09d}", Decimal("256")) for item in computers),
        now=now,
    )
    cleared = (ItemStatus.REFURBISHED, ItemStatus.RESERVED, ItemStatus.DISTRIBUTED)
    copy_rows(
        ErasureRecord,
        ["drive_id", "method", "tool", "result", "technician_id", "started_at", "finished_at"],
        (
            (
                item["id"],
                "purge",
                "eReuse Workbench",
                "passed",
                technician_id,
                _aware(item["received_on"] + datetime.timedelta(days=6), 9),
                _aware(item["received_on"] + datetime.timedelta(days=6), 11),
            )
            for item in computers
            if item["status"] in cleared
        ),
        now=now,
    )


def beneficiaries(volume: Volume, people: dict, rng: random.Random, today: datetime.date, now) -> dict:
    """Households spread over the structures and communes, each with one certification (three in ten renewed)."""
    communes = list(Commune.objects.values_list("pk", flat=True))
    last_names, first_names = LAST_NAMES.split(), FIRST_NAMES.split()
    structures, prescribers = people["structures"], people["prescribers"]
    households = []
    for n in range(1, volume.households + 1):
        index = n % len(structures)
        last, first = rng.choice(last_names), rng.choice(first_names)
        address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
        created = today - datetime.timedelta(days=rng.randint(0, 6 * 365))
        households.append(
            {
                "id": n,
                "last": f"{last}{n % 97 if n % 3 else ''}",
                "first": first,
                "birth": datetime.date(1940 + n % 60, n % 12 + 1, n % 28 + 1),
                "address": address,
                "commune": rng.choice(communes),
                "structure": structures[index].pk,
                "author": prescribers[index].pk,
                "created": created,
                "equipped_on": None,
            }
        )
    return {"households": households}


def distributions(volume: Volume, people: dict, state: dict, rng: random.Random, today: datetime.date, now) -> dict:
    """Events (past: done, some handed over; planned: 40 allocated seats each; drafts) and their packs."""
    items, households = state["items"], state["households"]
    template = PackTemplate.objects.default()
    lines = [(line.category, line.quantity) for line in template.lines.all()]
    refurbished = {}
    for item in items:  # oldest first: past events took the oldest refurbished items
        if item["status"] == ItemStatus.REFURBISHED:
            refurbished.setdefault(item["category"], []).append(item)
    done_events = volume.events * 9 // 10
    planned_events = volume.events * 8 // 100
    coordination_id = people["coordination"].pk
    events, invitations, packs, pack_items = [], [], [], []
    household_pool = list(range(len(households)))
    rng.shuffle(household_pool)
    next_household = iter(household_pool)
    cursor = dict.fromkeys(refurbished, 0)

    def take_pack(status: str, handed: bool, day: datetime.date) -> int | None:
        chosen = []
        for category, quantity in lines:
            pool = refurbished.get(category, [])
            for _ in range(quantity):
                if cursor.get(category, 0) >= len(pool):
                    return None
                chosen.append(pool[cursor[category]])
                cursor[category] += 1
        pack_id = len(packs) + 1
        packs.append((pack_id, f"P-{pack_id:06d}", template.pk, status, _aware(day), _aware(day)))
        for item in chosen:
            item["status"] = ItemStatus.DISTRIBUTED if handed else ItemStatus.RESERVED
            pack_items.append((pack_id, item["id"], not handed, _aware(day)))
        return pack_id

    start = today - datetime.timedelta(days=7 * 365)
    for n in range(1, volume.events + 1):
        if n <= done_events:
            status, day = "done", _spread(start, today - datetime.timedelta(days=7), n, done_events)
        elif n <= done_events + planned_events:
            status, day = "planned", today + datetime.timedelta(days=7 + n % 50)
        else:
            status, day = "draft", today + datetime.timedelta(days=60 + n % 30)
        events.append((n, f"Remise bench {n:03d}", day, datetime.time(14), "Salle des fêtes", 40, status))
        if status == "done":
            plan = ["handed_over"] * 8 + ["absent", "absent", "excused", "excused"]
        elif status == "planned":
            plan = ["confirmed"] * 30 + ["invited"] * 10
        else:
            plan = ["invited"] * 5
        for outcome in plan:
            household = households[next(next_household)]
            pack_id = None
            if outcome == "handed_over":
                pack_id = take_pack("handed_over", True, day)
                if pack_id is None:
                    outcome = "absent"
                else:
                    household["equipped_on"] = day
            elif status == "planned":
                pack_id = take_pack("allocated", False, day)
            invitations.append(
                (
                    len(invitations) + 1,
                    n,
                    household["id"],
                    outcome,
                    pack_id,
                    coordination_id,
                    _aware(day - datetime.timedelta(days=30)),
                    _aware(day, 14) if outcome == "handed_over" else None,
                    _aware(day, 15) if outcome == "handed_over" else None,
                    coordination_id if outcome == "handed_over" else None,
                    "free" if outcome == "handed_over" else "",
                    outcome == "handed_over",
                )
            )
    return {
        "events": events,
        "invitations": invitations,
        "packs": packs,
        "pack_items": pack_items,
        "planned_event_ids": [e[0] for e in events if e[6] == "planned"],
    }


def households_write(state: dict, rng: random.Random, today: datetime.date, now) -> None:
    households = state["households"]
    copy_rows(
        Household,
        [
            "id",
            "last_name",
            "first_name",
            "birth_date",
            "address",
            "commune_id",
            "size",
            "structure_id",
            "created_by_id",
            "created_at",
            "last_activity_at",
            "equipped_on",
            "name_key",
            "address_key",
        ],
        (
            (
                h["id"],
                h["last"],
                h["first"],
                h["birth"],
                h["address"],
                h["commune"],
                1 + h["id"] % 5,
                h["structure"],
                h["author"],
                _aware(h["created"]),
                _aware(h["created"]),
                h["equipped_on"],
                household_name_key(h["last"], h["first"]),
                compact_key(h["address"]),
            )
            for h in households
        ),
        now=now,
    )
    criteria = ["rsa", "ass", "aah", "rqth", "job_seeker_12m", "mission_locale", "ccas", "single_parent", "qpv_zrr"]

    def certifications():
        for h in households:
            certified = h["created"]
            renewals = 2 if h["id"] % 10 < 3 else 1
            for _ in range(renewals):
                expires = certified + datetime.timedelta(days=183)
                flags = [rng.random() < 0.25 for _ in criteria]
                flags[h["id"] % len(criteria)] = True
                yield (h["id"], h["author"], h["structure"], certified, expires, True, True, _aware(certified), *flags)
                certified = min(expires - datetime.timedelta(days=10), today)

    copy_rows(
        Certification,
        [
            "household_id",
            "author_id",
            "structure_id",
            "certified_on",
            "expires_on",
            "proof_seen",
            "data_notice_given",
            "created_at",
            *criteria,
        ],
        certifications(),
        now=now,
    )


def events_write(state: dict, people: dict, now) -> None:
    coordination_id = people["coordination"].pk
    copy_rows(
        Event,
        ["id", "title", "date", "start_time", "place", "capacity", "status", "partner_id", "created_by_id"],
        (event + (people["partner"].pk, coordination_id) for event in state["events"]),
        now=now,
    )
    copy_rows(
        Pack,
        ["id", "reference", "template_id", "status", "completed_at", "status_changed_at"],
        iter(state["packs"]),
        now=now,
    )
    copy_rows(PackItem, ["pack_id", "item_id", "is_live", "added_at"], iter(state["pack_items"]), now=now)
    copy_rows(
        Invitation,
        [
            "id",
            "event_id",
            "household_id",
            "status",
            "pack_id",
            "invited_by_id",
            "invited_at",
            "checked_in_at",
            "handed_over_at",
            "handed_over_by_id",
            "payment_means",
            "sheet_signed",
        ],
        iter(state["invitations"]),
        now=now,
    )


def sequences_reset() -> None:
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(statement)


def generate(volume: Volume, *, seed: int = 2026, log=print) -> dict:
    """Fill an empty, migrated database; returns what the cases need (users, ids)."""
    rng = random.Random(seed)
    today, now = timezone.localdate(), timezone.now()
    people = organisations_and_users(volume)
    state = equipment(volume, people, rng, today, now)
    state.update(beneficiaries(volume, people, rng, today, now))
    state.update(distributions(volume, people, state, rng, today, now))
    log(f"  données préparées : {len(state['packs'])} packs, {len(state['invitations'])} invitations")
    items_write(state, rng, today, now)
    log("  matériels écrits (historique, journal des statuts, supports, effacements)")
    households_write(state, rng, today, now)
    events_write(state, people, now)
    sequences_reset()
    log("  foyers, certifications, événements, packs et invitations écrits")
    return {"people": people, "planned_event_ids": state["planned_event_ids"]}


def vacuum_analyze() -> None:
    """Planner statistics and visibility maps, as autovacuum would leave them on a live database: after generating,
    and after a case that wrote and removed many rows. Some servers run without autovacuum (this bench machine's
    PostgreSQL has it off): the 100,000 items imported then removed by `csv_import_web` left 140,000 dead rows, and
    the lists measured next counted through a table twice its size (the filtered count 1.4 ms instead of 0.6)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def items_add(count: int, *, start_id: int, now) -> None:
    """More items for the 1,000,000-item case, made by the database itself (generate_series: no Python per row).
    Like the historical import, the refurbished ones are exempt from erasure proof; items still waiting for or in
    audit never are (a database constraint)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO equipment_item (id, asset_tag, category, form_factor, status, donation_id, received_on,
                manufacturer, model, serial_number, cpu, os_installed, notes, recycling_reason, weee_category,
                created_at, updated_at, erasure_exempt)
            SELECT n, 'PX-' || lpad(n::text, 8, '0'), (ARRAY['screen', 'desktop', 'keyboard', 'mouse'])[1 + mod(n, 4)],
                '', (ARRAY['received', 'in_audit', 'refurbished'])[1 + mod(n, 3)], NULL, %s::date - mod(n, 2900)::int,
                'Dell', 'P2217H', 'SX' || n, '', '', '', '', '', %s, %s, mod(n, 3) = 2
            FROM generate_series(%s::bigint, %s::bigint) AS n
            """,
            [timezone.localdate(), now, now, start_id, start_id + count - 1],
        )
        # Ids were given: the table's identity must move past them, or the next item saved (the snapshot cases,
        # after this one) takes an id already used and fails as a conflict.
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('equipment_item', 'id'), (SELECT MAX(id) FROM equipment_item))"
        )
