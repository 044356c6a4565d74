from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.text import plural, plural_suffix
from territory.loader import TerritoryFileError, load_files
from territory.models import Commune, Qpv


def _read(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"Fichier introuvable : {path}")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(f"{path} : le fichier doit être encodé en UTF-8 ({error}).") from error


class Command(BaseCommand):
    help = (
        "Remplace les communes du territoire par celles d'un fichier CSV (colonnes insee_code, name, postal_codes "
        "séparés par « ; », zrr_2021 et frr_2025 facultatives). Une commune absente du fichier est supprimée, ou "
        "seulement désactivée si des foyers y habitent. Tout ou rien : une ligne erronée et rien n'est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument("communes", help="CSV des communes (comme territory/data/territory-communes.csv)")
        parser.add_argument(
            "--qpv", help="CSV des QPV (colonnes code_qp, name, insee_codes séparés par « ; ») : les remplace aussi"
        )

    def handle(self, *args, **options):
        communes_text = _read(options["communes"])
        qpv_text = _read(options["qpv"]) if options["qpv"] else None
        try:
            with transaction.atomic():
                summary = load_files(
                    communes_text, qpv_text, commune_model=Commune, qpv_model=Qpv
                )
        except TerritoryFileError as error:
            raise CommandError("Rien n'a été chargé :\n" + "\n".join(error.errors)) from error
        self.stdout.write(
            f"Communes : {len(summary.created)} créée, {len(summary.updated)} mise à jour, "
            f"{len(summary.deactivated)} désactivée, {len(summary.deleted)} supprimée."
        )
        if summary.deactivated:
            self.stdout.write(
                "Désactivées (des foyers y habitent, leur historique est gardé) : " + ", ".join(summary.deactivated)
            )
        if qpv_text is not None:
            self.stdout.write(f"QPV : {summary.qpv} chargé{plural_suffix(summary.qpv)}.")
        active = Commune.objects.in_territory().count()
        self.stdout.write(self.style.SUCCESS(f"Territoire prêt : {plural(active, 'commune')}."))
