"""Demo households of the two demo CCAS (fictional people), certified through the real services."""

import datetime

from django.utils import timezone

from accounts.models import User
from beneficiaries.enums import EligibilityCriterion as C
from beneficiaries.models import Household, household_name_key
from beneficiaries.services import household_register
from territory.models import Commune

# last name, first name, birth date, address, commune INSEE code, size, criteria, certified how many days ago
RAISMES = [
    (
        "Lemaire",
        "Sandrine",
        datetime.date(1984, 2, 11),
        "14 rue Jean Jaurès",
        "59491",
        3,
        [C.RSA, C.SINGLE_PARENT],
        12,
    ),
    ("Bouchez", "Kévin", datetime.date(1999, 9, 3), "3 résidence Sabatier", "59491", 1, [C.MISSION_LOCALE], 40),
    ("Delcourt", "Gérard", datetime.date(1957, 6, 24), "27 rue Henri Barbusse", "59491", 2, [C.CCAS], 95),
    ("Mahieu", "Nadia", datetime.date(1979, 12, 1), "8 allée des Tilleuls", "59491", 4, [C.AAH], 170),
    ("Vandenbussche", "Aurélie", datetime.date(1991, 4, 18), "52 rue de Valenciennes", "59491", 2, [C.ASS], 176),
    ("Dubois", "Marcel", datetime.date(1962, 1, 30), "5 cité du Pinson", "59491", 1, [C.JOB_SEEKER_24M], 230),
]
DENAIN = [
    ("Hennebert", "Yasmina", datetime.date(1988, 7, 7), "19 rue de Villars", "59172", 5, [C.RSA, C.QPV_ZRR], 5),
    ("Carpentier", "Julien", datetime.date(2004, 3, 15), "2 rue Arthur Brunet", "59172", 1, [C.LEAVING_ASE], 30),
    ("Szymanski", "Monique", datetime.date(1950, 10, 2), "41 boulevard Kennedy", "59172", 1, [], 60),
    ("Lefebvre", "Rachid", datetime.date(1975, 5, 28), "7 rue Ludovic Trarieux", "59172", 3, [C.RQTH], 120),
    (
        "Wattiez",
        "Céline",
        datetime.date(1986, 11, 9),
        "12 rue Paul Vaillant-Couturier",
        "59205",
        2,
        [C.SINGLE_PARENT],
        168,
    ),
    ("Dupuis", "Thierry", datetime.date(1970, 8, 21), "33 rue Émile Zola", "59172", 1, [C.JOB_SEEKER_12M], 150),
]


def _register(user: User, rows) -> None:
    today = timezone.localdate()
    for last_name, first_name, birth_date, address, insee_code, size, criteria, days_ago in rows:
        exists = Household.objects.filter(
            structure=user.organisation, name_key=household_name_key(last_name, first_name), birth_date=birth_date
        ).exists()
        if exists:
            continue
        household_register(
            structure=user.organisation,
            by=user,
            last_name=last_name,
            first_name=first_name,
            birth_date=birth_date,
            address=address,
            commune=Commune.objects.get(insee_code=insee_code),
            size=size,
            criteria=criteria,
            proof_seen=True,
            data_notice_given=True,
            on=today - datetime.timedelta(days=days_ago),
        )


def populate(users: dict[str, User]) -> None:
    _register(users["prescripteur-raismes"], RAISMES)
    _register(users["prescripteur-denain"], DENAIN)
