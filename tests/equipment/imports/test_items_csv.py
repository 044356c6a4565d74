import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from donations.models import Donation, Donor
from equipment.enums import ItemStatus, StatusChangeSource, WeeeCategory
from equipment.imports.csv_rows import FRENCH_HEADER, HEADER, parse
from equipment.imports.items_csv import items_csv_check, items_import_csv
from equipment.imports.rows_insert import rows_insert
from equipment.models import Item, StatusChange
from equipment.services import TransitionError, asset_tags_allocate, item_transition
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory, DonorFactory
from tests.equipment.factories import ItemFactory

HEADER_LINE = ",".join(HEADER)
GOOD_ROWS = [
    "ATIS-24-0001,screen,Dell,P2217H,CN0001,received,2024-03-15,Médiathèque de Denain,4.2,",
    ",desktop,HP,ProDesk 400 G4 MT,CZC0002,in_audit,2024-03-15,Médiathèque de Denain,,",
    ',keyboard,Logitech,K120,,recycled,2024-04-02,Mairie de Raismes,0.55,"Touches manquantes, hors d\'usage"',
    "ATIS-24-0004,laptop,Lenovo,ThinkPad T470,PF0004,distributed,2024-05-01,,1.6,Remis en mai",
]


def csv_bytes(*rows: str, header: str = HEADER_LINE, newline: str = "\n") -> bytes:
    return (newline.join([header, *rows]) + newline).encode("utf-8")


def write(tmp_path, content: bytes, name: str = "materiel.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def snapshot_counts() -> dict[str, int]:
    return {
        "items": Item.objects.count(),
        "history": Item.history.count(),
        "status_changes": StatusChange.objects.count(),
        "donors": Donor.objects.count(),
        "donations": Donation.objects.count(),
    }


def run(tmp_path, content: bytes, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_equipment", str(write(tmp_path, content)), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(tmp_path, content: bytes) -> list[str]:
    """Run the command on a bad file: it must fail, write nothing, and return its error lines."""
    before = snapshot_counts()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_equipment", str(write(tmp_path, content)), stdout=out, stderr=err)
    assert snapshot_counts() == before
    return err.getvalue().splitlines()


def test_good_file_creates_items_with_one_import_log_row_and_one_history_row_each(tmp_path):
    out, _ = run(tmp_path, csv_bytes(*GOOD_ROWS))

    assert "4 matériels créés" in out
    assert Item.objects.count() == 4
    screen = Item.objects.get(asset_tag="ATIS-24-0001")
    assert (screen.category, screen.manufacturer, screen.model, screen.serial_number) == (
        "screen",
        "Dell",
        "P2217H",
        "CN0001",
    )
    assert screen.received_on == datetime.date(2024, 3, 15)
    assert screen.weight_kg == Decimal("4.20")
    assert screen.donation.donor.name == "Médiathèque de Denain"
    desktop = Item.objects.get(serial_number="CZC0002")
    assert desktop.asset_tag.startswith("PH-")  # generated
    assert desktop.donation == screen.donation  # same donor, same day: one donation
    assert desktop.status == ItemStatus.IN_AUDIT
    laptop = Item.objects.get(asset_tag="ATIS-24-0004")
    assert laptop.status == ItemStatus.DISTRIBUTED
    assert laptop.donation is None
    for item in Item.objects.all():
        log = list(item.status_changes.all())
        assert [(entry.from_status, entry.to_status, entry.source) for entry in log] == [
            ("", item.status, StatusChangeSource.IMPORT)
        ]
        assert "ligne" in log[0].note
        assert item.history.count() == 1
        assert "Import CSV" in item.history.first().history_change_reason


def test_each_log_and_history_row_belongs_to_the_item_of_its_line():
    ItemFactory.create_batch(3)  # items recorded before: the new ones do not start at the first id
    rows = [
        f"{f'LOT-{n}' if n % 2 else ''},screen,Dell,P2217H,{f'SN-LOT-{n}' if n % 3 else ''},"
        f"{['received', 'in_audit', 'refurbished'][n % 3]},2024-03-{n % 28 + 1:02d},Donateur {n % 4},4.2,note {n}"
        for n in range(30)
    ]

    report = items_import_csv(content=csv_bytes(*rows), filename="lot.csv")

    assert len(report.created) == 30
    tracked = [field.attname for field in Item.history.model._meta.concrete_fields if hasattr(Item, field.attname)]
    assert {"id", "asset_tag", "status", "donation_id", "weight_kg", "notes", "created_at"} <= set(tracked)
    items = list(Item.objects.filter(asset_tag__in=report.created).order_by("id"))
    assert [item.asset_tag for item in items] == report.created  # in the file's order
    for line, item in enumerate(items, start=2):
        assert item.notes == f"note {line - 2}"
        log = item.status_changes.get()
        assert (log.to_status, log.note) == (item.status, f"Import CSV « lot.csv », ligne {line}")
        history = item.history.get()
        assert (history.history_type, history.history_change_reason) == ("+", "Import CSV « lot.csv »")
        assert {name: getattr(history, name) for name in tracked} == {name: getattr(item, name) for name in tracked}


def test_recycled_row_gets_import_reason_and_default_weee_category(tmp_path):
    run(tmp_path, csv_bytes(*GOOD_ROWS))

    keyboard = Item.objects.get(category="keyboard")
    assert keyboard.status == ItemStatus.RECYCLED
    assert keyboard.recycling_reason == "Import historique"
    assert keyboard.weee_category == WeeeCategory.SMALL_IT
    assert keyboard.weight_kg == Decimal("0.55")
    assert keyboard.notes == "Touches manquantes, hors d'usage"


def test_computers_imported_past_the_audit_are_exempt_and_logged_as_imported_until_audited_again(tmp_path):
    out, _err = run(tmp_path, csv_bytes(*GOOD_ROWS))

    assert "dont 1 ordinateur ayant déjà passé l'audit : dispensé de preuve d'effacement" in out
    laptop = Item.objects.get(asset_tag="ATIS-24-0004")  # distributed in the spreadsheet, no drive recorded
    desktop = Item.objects.get(category="desktop")  # in audit: the rule applies
    assert (laptop.erasure_exempt, desktop.erasure_exempt) == (True, False)
    assert StatusChange.objects.get(item=laptop).source == StatusChangeSource.IMPORT

    # Back from the household: audited like any other computer.
    item_transition(item=laptop, to_status=ItemStatus.IN_AUDIT)
    laptop.refresh_from_db()
    assert not laptop.erasure_exempt
    with pytest.raises(TransitionError, match="aucun support de stockage"):
        item_transition(item=laptop, to_status=ItemStatus.REFURBISHED)


def test_import_by_a_user_is_logged_with_their_name():
    technician = UserFactory(technician=True)

    items_import_csv(content=csv_bytes(GOOD_ROWS[0]), by=technician, filename="lot.csv")

    log = StatusChange.objects.get()
    assert log.by == technician
    assert log.note == "Import CSV « lot.csv », ligne 2"
    assert Item.history.get().history_user == technician


def test_existing_donor_is_reused_whatever_the_case_and_its_donation_of_that_day_too(tmp_path):
    donation = DonationFactory(
        donor=DonorFactory(name="Médiathèque de Denain"), received_on=datetime.date(2024, 3, 15)
    )

    run(tmp_path, csv_bytes(GOOD_ROWS[0].replace("Médiathèque de Denain", "MÉDIATHÈQUE DE DENAIN")))

    assert Donor.objects.count() == 1
    assert Item.objects.get().donation == donation


def test_bom_semicolons_crlf_and_decimal_comma_are_tolerated(tmp_path):
    rows = ["ATIS-1;screen;Dell;P2217H;SN1;;2024-03-15;;4,2;"]
    content = b"\xef\xbb\xbf" + csv_bytes(*rows, header=HEADER_LINE.replace(",", ";"), newline="\r\n")

    run(tmp_path, content)

    item = Item.objects.get()
    assert (item.asset_tag, item.status, item.weight_kg) == ("ATIS-1", ItemStatus.RECEIVED, Decimal("4.20"))


def test_dry_run_checks_and_writes_nothing(tmp_path):
    before = snapshot_counts()

    out, _ = run(tmp_path, csv_bytes(*GOOD_ROWS), "--dry-run")

    assert "4 matériels à créer" in out
    assert "rien n'a été enregistré" in out
    assert snapshot_counts() == before


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    # Among them, rows without tag nor serial: matched on their other columns.
    rows = [*GOOD_ROWS, ",keyboard,Logitech,K120,,received,2024-04-02,Mairie de Raismes,,"] + [
        ",mouse,Logitech,B100,,received,2024-04-02,,,"
    ] * 3
    content = csv_bytes(*rows)
    run(tmp_path, content)
    before = snapshot_counts()
    tags = sorted(Item.objects.values_list("asset_tag", flat=True))

    out, _ = run(tmp_path, content)

    assert "0 matériel créé," in out
    assert "8 matériels déjà enregistrés à l'identique" in out
    assert snapshot_counts() == before
    assert sorted(Item.objects.values_list("asset_tag", flat=True)) == tags


def test_a_file_that_adds_rows_to_an_imported_one_creates_only_the_new_rows(tmp_path):
    run(tmp_path, csv_bytes(*GOOD_ROWS[:2]))

    out, _ = run(tmp_path, csv_bytes(*GOOD_ROWS))

    assert "2 matériels créés, 2 matériels déjà enregistrés" in out
    assert Item.objects.count() == 4


def test_row_differing_from_the_recorded_item_is_an_error_and_nothing_is_overwritten(tmp_path):
    item = ItemFactory(asset_tag="ATIS-24-0001", status=ItemStatus.IN_AUDIT, serial_number="CN0001")

    errors = refused(tmp_path, csv_bytes(*GOOD_ROWS))

    assert len(errors) == 1
    assert errors[0].startswith("ligne 2 : le matériel ATIS-24-0001 existe déjà avec d'autres données")
    assert "statut : fichier « received », enregistré « in_audit »" in errors[0]
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_AUDIT


def test_row_without_tag_matching_a_recorded_serial_with_other_data_is_an_error(tmp_path):
    ItemFactory(desktop=True, serial_number="CZC0002", status=ItemStatus.REFURBISHED)

    errors = refused(tmp_path, csv_bytes(*GOOD_ROWS))

    assert errors[0].startswith("ligne 3 : le matériel T-")
    assert "porte ce numéro de série avec d'autres données" in errors[0]


def test_new_tag_with_a_serial_already_recorded_in_that_category_is_an_error(tmp_path):
    recorded = ItemFactory(serial_number="CN0001")

    errors = refused(tmp_path, csv_bytes(GOOD_ROWS[0]))

    assert errors == [
        f"ligne 2 : le numéro de série « CN0001 » (écran) est déjà porté par le matériel {recorded.asset_tag}"
    ]


def test_untagged_rows_that_no_longer_match_recorded_items_are_refused_not_duplicated(tmp_path):
    content = csv_bytes(*[",mouse,Logitech,B100,,received,2024-04-02,,,"] * 2)
    run(tmp_path, content)
    audited = Item.objects.filter(category="mouse").first()
    Item.objects.filter(pk=audited.pk).update(status=ItemStatus.IN_AUDIT)  # a technician moved one since

    errors = refused(tmp_path, content)

    assert len(errors) == 2
    assert "2 lignes sans étiquette ni numéro de série" in errors[0]
    assert "indiquez l'étiquette (asset_tag)" in errors[0]


BAD_FILES = {
    "wrong header": (
        "tag,category,brand,model,serial_number,status,received_on,donor,weight_kg,notes\n",
        ["ligne 1 : en-tête incorrect (colonnes manquantes : asset_tag ; colonnes inconnues : « tag »)"],
    ),
    "columns out of order": (
        "category,asset_tag,brand,model,serial_number,status,received_on,donor,weight_kg,notes\n",
        ["ligne 1 : en-tête incorrect (les colonnes ne sont pas dans l'ordre attendu)"],
    ),
    "header only": (HEADER_LINE + "\n", ["ligne 2 : le fichier ne contient aucune ligne de matériel"]),
    "dotted date": (
        csv_bytes(",screen,,,,,15.03.2024,,,").decode(),
        ["ligne 2 : date de réception « 15.03.2024 » invalide : format attendu AAAA-MM-JJ ou JJ/MM/AAAA"],
    ),
    "impossible french date": (
        csv_bytes(",screen,,,,,31/02/2024,,,").decode(),
        ["ligne 2 : la date de réception « 31/02/2024 » n'existe pas"],
    ),
    "impossible date": (
        csv_bytes(",screen,,,,,2024-02-30,,,").decode(),
        ["ligne 2 : la date de réception « 2024-02-30 » n'existe pas"],
    ),
    "future date": (csv_bytes(",screen,,,,,2999-01-01,,,").decode(), ["ligne 2 : la date de réception 2999-01-01"]),
    "missing date": (csv_bytes(",screen,,,,,,,,").decode(), ["ligne 2 : la date de réception est obligatoire"]),
    "unknown category": (
        csv_bytes(",tablette,,,,,2024-03-15,,,").decode(),
        ["ligne 2 : catégorie « tablette » inconnue ; codes possibles : screen (écran)"],
    ),
    "missing category": (csv_bytes(",,,,,,2024-03-15,,,").decode(), ["ligne 2 : la catégorie est obligatoire"]),
    "unknown status": (
        csv_bytes(",screen,,,,broken,2024-03-15,,,").decode(),
        ["ligne 2 : statut « broken » inconnu ; codes possibles : received (reçu)"],
    ),
    "negative weight": (
        csv_bytes(",screen,,,,,2024-03-15,,-4.2,").decode(),
        ["ligne 2 : poids négatif (-4.2) : un poids ne peut pas être négatif"],
    ),
    "weight not a number": (
        csv_bytes(",screen,,,,,2024-03-15,,lourd,", ",screen,,,,,2024-03-15,,NaN,").decode(),
        ["ligne 2 : poids « lourd » invalide", "ligne 3 : poids « NaN » invalide"],
    ),
    "recycled without weight": (
        csv_bytes(",screen,,,,recycled,2024-03-15,,,").decode(),
        ["ligne 2 : un matériel recyclé doit avoir un poids"],
    ),
    "duplicate tag": (
        csv_bytes("A-1,screen,,,,,2024-03-15,,,", "A-1,mouse,,,,,2024-03-15,,,").decode(),
        ["ligne 3 : étiquette « A-1 » déjà présente ligne 2"],
    ),
    "duplicate serial in a category": (
        csv_bytes(",screen,,,S1,,2024-03-15,,,", ",mouse,,,S1,,2024-03-15,,,", ",screen,,,S1,,2024-03-15,,,").decode(),
        ["ligne 4 : numéro de série « S1 » (écran) déjà présent ligne 2"],
    ),
    "tag with a slash": (
        csv_bytes("A/1,screen,,,,,2024-03-15,,,").decode(),
        ["ligne 2 : étiquette « A/1 » invalide"],
    ),
    "model too long": (
        csv_bytes(",screen,Dell," + "x" * 201 + ",,,2024-03-15,,,").decode(),
        ["ligne 2 : modèle de 201 caractères (200 au plus)"],
    ),
    "too few values": (csv_bytes(",screen,,2024-03-15").decode(), ["ligne 2 : 4 valeurs au lieu de 10"]),
    "unclosed quote": (
        csv_bytes(",screen,,,,,2024-03-15,,,ok", ',screen,,"P2217H,,,2024-03-15,,,').decode(),
        ["ligne 3 : CSV mal formé"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_refused_with_every_bad_line_in_french(tmp_path, text, expected):
    errors = refused(tmp_path, text.encode("utf-8"))

    assert len(errors) == len(expected)
    for message, start in zip(errors, expected, strict=True):
        assert message.startswith(start)


def test_every_bad_row_is_reported_and_one_bad_row_among_good_ones_writes_nothing(tmp_path):
    good = [f"ATIS-{n},screen,Dell,P2217H,SN{n},,2024-03-15,Médiathèque de Denain,4.2," for n in range(50)]
    rows = [*good[:20], ",tablette,,,,,2024-03-15,,,", *good[20:], ",screen,,,,,2024-13-01,,-1,"]

    errors = refused(tmp_path, csv_bytes(*rows))

    assert [message.split(" : ")[0] for message in errors] == ["ligne 22", "ligne 53", "ligne 53"]
    assert Item.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "ligne 1 : le fichier est vide"),
        (b"  \n\n", "ligne 1 : le fichier est vide"),
        (csv_bytes(",screen,,,,,2024-03-15,Médiathèque,,").decode().encode("latin-1"), "ligne 2 : caractère qui"),
        (
            csv_bytes(",screen,,,,,2024-03-15,,,").decode().encode("utf-16"),
            "ligne 1 : le fichier est encodé en UTF-16",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00", "ligne 1 : ce fichier est un classeur"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ce fichier n'est pas un fichier texte CSV"),
    ],
    ids=["empty", "blank lines", "latin-1", "utf-16", "xlsx", "image"],
)
def test_empty_or_not_utf8_text_file_is_refused_with_a_clear_message(tmp_path, content, expected):
    errors = refused(tmp_path, content)

    assert len(errors) == 1
    assert expected in errors[0]
    assert "CSV UTF-8" in errors[0] or "vide" in errors[0] or "texte" in errors[0]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_equipment", str(tmp_path / "absent.csv"))


def test_generated_tags_never_clash_with_tags_of_our_format_brought_by_the_file(tmp_path):
    run(
        tmp_path,
        csv_bytes("PH-000002,screen,,,,,2024-03-15,,,", ",mouse,,,,,2024-03-15,,,", ",mouse,,,M2,,2024-03-15,,,"),
    )

    tags = sorted(Item.objects.values_list("asset_tag", flat=True))
    assert tags == ["PH-000002", "PH-000003", "PH-000004"]


def _file_of(units: int, batch: str = "") -> bytes:
    """Every kind of row (tag, serial only, neither; new and known donor) repeated `units` times."""
    rows = []
    mice_day = "2024-04-03" if batch else "2024-04-02"  # untagged look-alikes of one day form one group
    for n in range(units):
        rows += [
            f"ATIS-{batch}{n},screen,Dell,P2217H,CN{batch}{n},recycled,2024-03-15,Médiathèque {batch},4.2,",
            f",desktop,HP,ProDesk,CZ{batch}{n},in_audit,2024-03-{n % 28 + 1:02d},Donateur {batch}{n},,",
            f",mouse,Logitech,B100,,received,{mice_day},Mairie de Raismes,,lot {n}",
        ]
    return csv_bytes(*rows)


@pytest.mark.parametrize("units", [1, 40])
def test_import_query_count_does_not_grow_with_rows(django_assert_num_queries, units):
    DonorFactory(name="Mairie de Raismes")
    asset_tags_allocate(count=1)  # the tag counter exists, as it does after the first item
    with CaptureQueriesContext(connection) as reference:
        items_import_csv(content=_file_of(1, batch="ref"), filename="ref.csv")

    with django_assert_num_queries(len(reference.captured_queries)):
        report = items_import_csv(content=_file_of(units), filename="x.csv")

    assert len(report.created) == 3 * units


@pytest.mark.parametrize("units", [1, 40])
def test_check_query_count_does_not_grow_with_rows(django_assert_num_queries, units):
    items_import_csv(content=_file_of(units))

    with django_assert_num_queries(3):  # recorded items by tag, by serial, and rows with neither
        report = items_csv_check(content=_file_of(units))

    assert len(report.unchanged) == 3 * units


def test_donation_reference_already_used_by_hand_gets_a_suffix(tmp_path):
    donor = DonorFactory(name="Médiathèque de Denain")
    DonationFactory(reference=f"IMP-20240315-{donor.pk}", donor=donor, received_on=datetime.date(2024, 3, 16))

    run(tmp_path, csv_bytes(GOOD_ROWS[0]))

    assert Item.objects.get().donation.reference == f"IMP-20240315-{donor.pk}-2"


def test_bulk_insert_refuses_what_the_database_forbids_as_an_integrity_error():
    recorded = ItemFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert(
            Item,
            [{"asset_tag": recorded.asset_tag, "category": "screen", "received_on": recorded.received_on}],
            now=timezone.now(),
        )


def test_the_exports_french_header_labels_and_dates_read_like_the_documented_codes():
    french = "\ufeff" + ";".join(FRENCH_HEADER) + "\r\n"
    french += "PH-000009;Unité centrale;HP;ProDesk 400;SN1;Recyclé (DEEE);14/03/2025;Mairie de Denain;6,50;HS\r\n"
    french += "PH-000010;ecran;Dell;P2217H;SN2;en audit;2025-03-14;;4,2;\r\n"
    documented = csv_bytes(
        "PH-000009,desktop,HP,ProDesk 400,SN1,recycled,2025-03-14,Mairie de Denain,6.5,HS",
        "PH-000010,screen,Dell,P2217H,SN2,in_audit,2025-03-14,,4.2,",
    )

    from_export, from_documented = parse(french.encode()), parse(documented)

    assert from_export.errors == [] and from_documented.errors == []
    assert [row.__dict__ | {"line": 0} for row in from_export.rows] == [
        row.__dict__ | {"line": 0} for row in from_documented.rows
    ]
    assert (from_export.rows[0].category, from_export.rows[0].status) == ("desktop", "recycled")
    assert from_export.rows[0].received_on == datetime.date(2025, 3, 14)


def test_a_wrong_header_names_both_accepted_headers(tmp_path):
    errors = refused(tmp_path, csv_bytes(",screen,,,,,2024-03-15,,,", header="tag,cat"))

    assert "En-tête attendu : asset_tag,category,brand,model" in errors[0]
    assert "(ou celui de l'export du matériel : Étiquette;Catégorie;Marque;" in errors[0]
