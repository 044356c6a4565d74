"""python manage.py purge_access_log [--dry-run] — to run every night (see docs/guides/personal-data.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from beneficiaries.access_log import access_log_cutoff, access_log_purge


class Command(BaseCommand):
    help = (
        "Supprime les lignes du journal des accès aux données des foyers plus anciennes que la durée de "
        "conservation (FILIERE_ACCESS_LOG_RETENTION_MONTHS, 12 mois par défaut)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compte les lignes concernées sans rien supprimer")

    def handle(self, *args, dry_run, **options):
        cutoff = timezone.localtime(access_log_cutoff())
        months = settings.FILIERE["ACCESS_LOG_RETENTION_MONTHS"]
        count = access_log_purge(dry_run=dry_run)
        lines = f"{count} ligne{'s' if count > 1 else ''}"
        if dry_run:
            self.stdout.write(
                f"Simulation : {lines} du journal des accès de plus de {months} mois (avant le "
                f"{cutoff:%d/%m/%Y %H:%M}) serai{'en' if count > 1 else ''}t supprimée{'s' if count > 1 else ''}. "
                "Rien n'a été supprimé."
            )
        else:
            self.stdout.write(
                f"{lines} du journal des accès de plus de {months} mois (avant le {cutoff:%d/%m/%Y %H:%M}) "
                f"supprimée{'s' if count > 1 else ''}."
            )
