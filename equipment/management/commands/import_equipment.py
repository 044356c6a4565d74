"""python manage.py import_equipment FILE.csv [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.text import plural, plural_suffix
from equipment.imports.csv_rows import HEADER
from equipment.imports.items_csv import items_import_csv


class Command(BaseCommand):
    help = (
        "Importe du matériel depuis un fichier CSV UTF-8 dont l'en-tête est : "
        f"{','.join(HEADER)}. Tout ou rien : une seule ligne invalide et rien n'est enregistré."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER.csv", help="fichier CSV à importer")
        parser.add_argument(
            "--dry-run", action="store_true", help="vérifier le fichier et afficher le résultat sans rien enregistrer"
        )

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {path}") from None
        except OSError as error:
            raise CommandError(f"Impossible de lire {path} : {error.strerror}") from None
        report = items_import_csv(content=content, filename=path.name, dry_run=dry_run)
        if not report.is_valid:
            for message in report.errors:
                self.stderr.write(message)
            raise CommandError(
                f"Import refusé : {plural(len(report.errors), 'erreur')} dans {path.name} ; rien n'a été enregistré."
            )
        lines = plural(len(report.rows), "ligne")
        same = len(report.unchanged)
        unchanged = f"{plural(same, 'matériel')} déjà enregistré{plural_suffix(same)} à l'identique"
        if dry_run:
            self.stdout.write(
                f"Vérification de {path.name} : {lines} valides — {plural(len(report.to_create), 'matériel')} "
                f"à créer, {unchanged}."
            )
            self._table(report)
            self.stdout.write("Simulation (--dry-run) : rien n'a été enregistré.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Import de {path.name} terminé : {lines} — {plural(len(report.created), 'matériel')} "
                f"créé{plural_suffix(len(report.created))}, {unchanged}."
            )
        )
        self._table(report)

    def _table(self, report):
        for label, _per_status, total in report.counts_to_create():
            self.stdout.write(f"  {label} : {total}")
        if report.erasure_exempt_count:
            exempt = report.erasure_exempt_count
            self.stdout.write(
                f"  dont {plural(exempt, 'ordinateur')} ayant déjà passé l'audit : dispensé{plural_suffix(exempt)} de "
                "preuve d'effacement (import historique)"
            )
