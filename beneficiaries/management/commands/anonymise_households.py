"""python manage.py anonymise_households [--dry-run] — to run every night (see docs/guides/personal-data.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from beneficiaries.models import Household
from beneficiaries.retention import household_anonymise, households_anonymise, retention_cutoff


class Command(BaseCommand):
    help = (
        "Anonymise les foyers sans contact depuis la durée de conservation (FILIERE_RETENTION_YEARS, 2 ans par "
        "défaut) : identité, adresse, contact et critères effacés, pseudonyme à la place du nom. Sans danger à "
        "relancer : un foyer déjà anonymisé n'est pas touché."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compte les foyers concernés sans rien modifier")
        parser.add_argument(
            "--foyer",
            type=int,
            action="append",
            metavar="NUMÉRO",
            help="anonymise ce foyer tout de suite, à sa demande (droit à l'effacement), quel que soit son dernier "
            "contact ; le numéro est celui de l'adresse de sa fiche (/foyers/NUMÉRO/). Répétable.",
        )

    def handle(self, *args, dry_run, **options):
        if options["foyer"]:
            self._on_request(options["foyer"], dry_run)
            return
        limit = timezone.localdate(retention_cutoff())
        years = settings.FILIERE["RETENTION_YEARS"]
        ids = households_anonymise(dry_run=dry_run)
        plural = "s" if len(ids) > 1 else ""
        if dry_run:
            self.stdout.write(
                f"Simulation : {len(ids)} foyer{plural} sans contact depuis {years} ans (dernier contact avant le "
                f"{limit:%d/%m/%Y}) serai{'en' if len(ids) > 1 else ''}t anonymisé{plural}. Rien n'a été modifié."
            )
        else:
            self.stdout.write(
                f"{len(ids)} foyer{plural} sans contact depuis {years} ans (dernier contact avant le "
                f"{limit:%d/%m/%Y}) anonymisé{plural}."
            )
        if ids and options["verbosity"] > 1:
            self.stdout.write("Foyers n° " + ", ".join(str(pk) for pk in ids))

    def _on_request(self, numbers: list[int], dry_run: bool) -> None:
        households = {household.pk: household for household in Household.objects.filter(pk__in=numbers)}
        missing = [str(number) for number in numbers if number not in households]
        if missing:
            label = "Foyers introuvables" if len(missing) > 1 else "Foyer introuvable"
            raise CommandError(f"{label} : n° {', '.join(missing)}. Rien n'a été modifié.")
        for number in dict.fromkeys(numbers):
            household = households[number]
            if household.anonymised_at is not None:
                self.stdout.write(
                    f"Foyer n° {number} : déjà anonymisé le {timezone.localdate(household.anonymised_at):%d/%m/%Y}."
                )
            elif dry_run:
                self.stdout.write(f"Simulation : le foyer n° {number} serait anonymisé. Rien n'a été modifié.")
            else:
                household_anonymise(household=household, on_request=True)
                self.stdout.write(f"Foyer n° {number} anonymisé à sa demande.")
