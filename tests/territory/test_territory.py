"""Residence is decided by the commune, typed however people type it; never by the postal code."""

import csv
import io
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command

from beneficiaries.eligibility import residence_error
from beneficiaries.models import Household
from territory.loader import COMMUNES_FILE, DATA_DIR
from territory.models import Commune, Qpv
from territory.selectors import commune_match
from tests.beneficiaries.factories import HouseholdFactory


def test_the_territory_ships_with_its_47_communes_and_its_qpv():
    assert Commune.objects.in_territory().count() == 47
    assert Commune.objects.get(insee_code="59491").name == "Raismes"
    assert sorted(Commune.objects.filter(qpvs__isnull=False).distinct().values_list("name", flat=True)) == [
        "Denain",
        "Douchy-les-Mines",
        "Escaudain",
        "Raismes",
        "Saint-Amand-les-Eaux",
    ]
    assert Qpv.objects.get(code="QN05955M").name == "Sabatier"


@pytest.mark.parametrize(
    ("typed", "insee_code"),
    [
        ("Rœulx", "59504"),
        ("Roeulx", "59504"),
        ("ROEULX", "59504"),
        ("Emerchicourt", "59192"),
        ("émerchicourt", "59192"),
        ("saint amand les eaux", "59526"),
        ("St-Amand-les-Eaux", "59526"),
        ("Saint Amand les Eaux (59230)", "59526"),
        ("Helesmes", "59297"),
        ("Flines les Mortagne", "59238"),
        ("Chateau l'Abbaye", "59144"),
        ("château labbaye", "59144"),
        ("Trith St Léger", "59603"),
        ("la sentinelle", "59564"),
        ("  Raismes ", "59491"),
    ],
)
def test_a_commune_is_found_whatever_the_spelling(typed, insee_code):
    commune = commune_match(typed)

    assert commune is not None and commune.insee_code == insee_code
    assert residence_error(typed, commune) is None


def test_a_commune_outside_the_territory_is_refused_by_name():
    assert residence_error("Valenciennes", commune_match("Valenciennes")) == (
        "Valenciennes n'est pas une commune de La Porte du Hainaut : ce foyer ne peut pas bénéficier du programme."
    )


def test_the_territory_name_is_a_setting(settings):
    settings.FILIERE = {**settings.FILIERE, "TERRITORY_NAME": "Cœur d'Ostrevent"}

    assert "n'est pas une commune de Cœur d'Ostrevent" in residence_error("Valenciennes", None)


def test_a_typo_is_refused_with_the_closest_names():
    message = residence_error("Raisme", commune_match("Raisme"))

    assert message.endswith("Vouliez-vous dire Raismes ?")


def test_a_postal_code_alone_is_not_enough():
    assert "pas seulement le code postal" in residence_error("59121", commune_match("59121"))


def _shared_postal_codes():
    by_code = defaultdict(lambda: {"in": [], "out": []})
    with (DATA_DIR / "territory-postal-codes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_code[row["postal_code"]]["in" if row["in_caph"] == "yes" else "out"].append(row["name"])
    return {code: names for code, names in sorted(by_code.items()) if names["out"]}


SHARED = _shared_postal_codes()


def test_seven_postal_codes_are_shared_with_communes_outside_the_territory():
    assert list(SHARED) == ["59121", "59171", "59199", "59220", "59224", "59252", "59580"]


@pytest.mark.parametrize("postal_code", list(SHARED))
def test_a_shared_postal_code_accepts_its_territory_communes_and_refuses_the_others(postal_code):
    for name in SHARED[postal_code]["in"]:
        commune = commune_match(name)
        assert residence_error(name, commune) is None, name
        assert postal_code in commune.postal_code_list
        assert residence_error(f"{name} ({postal_code})", commune_match(f"{name} ({postal_code})")) is None
    for name in SHARED[postal_code]["out"]:
        message = residence_error(name, commune_match(name))
        assert message.startswith(f"{name} n'est pas une commune de La Porte du Hainaut"), message
        typed = f"{postal_code} {name}"
        assert residence_error(typed, commune_match(typed)).startswith(f"{name} n'est pas une commune")


# --- load_territory --------------------------------------------------------------------------------------------

HEADER = COMMUNES_FILE.read_text(encoding="utf-8").splitlines()[0] + "\n"


def write(tmp_path, text, name="communes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_load_territory_replaces_the_communes_and_keeps_those_households_refer_to(tmp_path):
    household = HouseholdFactory(commune=Commune.objects.get(insee_code="59172"))
    path = write(
        tmp_path,
        HEADER
        + "59491,Raismes,59590,,,,,59,non classée,non classée\n"
        + "62001,Ablain-Saint-Nazaire,62153,,,,,62,classée,non classée\n",
    )
    out = io.StringIO()

    call_command("load_territory", path, stdout=out)

    assert sorted(Commune.objects.in_territory().values_list("name", flat=True)) == ["Ablain-Saint-Nazaire", "Raismes"]
    denain = Commune.objects.get(insee_code="59172")
    assert not denain.is_active
    assert Household.objects.get(pk=household.pk).commune == denain
    assert not Commune.objects.filter(insee_code="59504").exists()
    assert Commune.objects.get(insee_code="62001").zrr
    assert "1 désactivée" in out.getvalue()


def test_load_territory_again_changes_nothing(tmp_path):
    out = io.StringIO()

    call_command("load_territory", str(COMMUNES_FILE), stdout=out)

    assert "0 créée, 0 mise à jour, 0 désactivée, 0 supprimée" in out.getvalue()
    assert Commune.objects.in_territory().count() == 47


def test_load_territory_reports_every_bad_line_and_writes_nothing(tmp_path):
    path = write(tmp_path, HEADER + "5949,Raismes,59590,,,,,,,\n59172,,59220,,,,,,,\n59179,Douchy,5928,,,,,,,\n")

    with pytest.raises(CommandError) as error:
        call_command("load_territory", path)

    message = str(error.value)
    assert "ligne 2 : code INSEE « 5949 » invalide" in message
    assert "ligne 3 : nom de commune vide" in message
    assert "ligne 4 : code postal invalide : 5928" in message
    assert Commune.objects.in_territory().count() == 47


def test_load_territory_refuses_a_file_without_the_columns(tmp_path):
    with pytest.raises(CommandError, match="colonne"):
        call_command("load_territory", write(tmp_path, "code,nom\n59491,Raismes\n"))


def test_load_territory_loads_qpv_too(tmp_path):
    communes = write(tmp_path, HEADER + "59491,Raismes,59590,,,,,59,,\n")
    qpv = write(tmp_path, "code_qp,name,insee_codes\nQN00001M,Quartier Test,59491\n", name="qpv.csv")

    call_command("load_territory", communes, "--qpv", qpv, stdout=io.StringIO())

    assert list(Qpv.objects.values_list("code", flat=True)) == ["QN00001M"]
    assert list(Commune.objects.get(insee_code="59491").qpvs.values_list("code", flat=True)) == ["QN00001M"]


def test_load_territory_missing_file(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("load_territory", str(tmp_path / "absent.csv"))
