"""python manage.py bilan --year YYYY [--format json|text]"""

import argparse
import json

from django.core.management.base import BaseCommand

from equipment.enums import ItemCategory
from reports.selectors import bilan_for_year

TEXT_LINES = [
    ("entrusted", "Matériels confiés"),
    ("pending_audit", "En attente d'audit"),
    ("refurbished", "Reconditionnés"),
    ("recycled", "Recyclés (DEEE)"),
    ("distributed", "Distribués"),
    ("households_equipped", "Foyers équipés"),
]


def year_argument(value: str) -> int:
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise argparse.ArgumentTypeError(f"année « {value} » invalide : indiquez une année sur 4 chiffres, ex. 2024")
    return int(value)


def number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


class Command(BaseCommand):
    help = "Affiche le bilan annuel du programme : matériel reçu dans l'année, selon son statut actuel."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=year_argument, required=True, metavar="AAAA", help="année du bilan")
        parser.add_argument(
            "--format", choices=["json", "text"], default="text", help="json (pour d'autres outils) ou text (lisible)"
        )

    def handle(self, *args, year, **options):
        bilan = bilan_for_year(year)
        if options["format"] == "json":
            self.stdout.write(json.dumps(bilan, ensure_ascii=False, indent=2))
            return
        width = max(len(label) for _key, label in TEXT_LINES) + 4
        self.stdout.write(f"Bilan {year} — matériel reçu en {year}, selon son statut actuel")
        self.stdout.write("")
        for key, label in TEXT_LINES:
            self.stdout.write(f"  {label:.<{width}} {number(bilan[key]):>7}")
            if key == "pending_audit":
                for code, count in bilan["pending_audit_by_category"].items():
                    sub = f"dont {ItemCategory(code).label.lower()}"
                    self.stdout.write(f"    {sub:.<{width - 2}} {number(count):>7}")
