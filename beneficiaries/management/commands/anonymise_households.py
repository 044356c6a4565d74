"""python manage.py anonymise_households [--dry-run] — to run every night (see docs/readme/personal-data.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from beneficiaries.retention import households_anonymise, retention_cutoff


class Command(BaseCommand):
    help = (
        "Anonymise les foyers sans contact depuis la durée de conservation (FILIERE_RETENTION_YEARS, 2 ans par "
        "défaut) : identité, adresse, contact et critères effacés, pseudonyme à la place du nom. Sans danger à "
        "relancer : un foyer déjà anonymisé n'est pas touché."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compte les foyers concernés sans rien modifier")

    def handle(self, *args, dry_run, **options):
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
