from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.text import plural, plural_suffix
from equipment.enums import SnapshotChannel
from equipment.snapshots.services import snapshot_ingest


class Command(BaseCommand):
    help = (
        "Importe des rapports matériels eReuse Workbench (JSON, Workbench 11/12 ou workbench-script) : "
        "le matériel est retrouvé par son numéro de série ou créé. Chaque fichier est importé à part : "
        "un fichier refusé n'écrit rien et n'empêche pas les autres ; le code de sortie est 1 si un fichier "
        "au moins a été refusé."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FICHIER.json", help="rapport(s) matériel(s) à importer")

    def handle(self, *args, files, **options):
        refused = 0
        for name in files:
            try:
                content = Path(name).read_bytes()
            except OSError as error:
                self.stderr.write(f"{name} : {_unreadable(error)} — rien n'a été importé.")
                refused += 1
                continue
            try:
                outcome = snapshot_ingest(data=content, channel=SnapshotChannel.COMMAND)
            except ValidationError as error:
                self.stderr.write(f"{name} : refusé — {' '.join(error.messages)} Rien n'a été importé.")
                refused += 1
                continue
            self.stdout.write(f"{name} : {outcome.summary()}")
            for warning in outcome.warnings:
                self.stdout.write(f"  attention : {warning}")
        if refused:
            raise CommandError(
                f"{plural(refused, 'fichier')} sur {len(files)} refusé{plural_suffix(refused)} ; "
                "les autres ont été traités."
            )
        self.stdout.write(self.style.SUCCESS(f"{plural(len(files), 'rapport')} traité{plural_suffix(len(files))}."))


def _unreadable(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "fichier introuvable"
    if isinstance(error, IsADirectoryError):
        return "c'est un dossier, pas un fichier"
    if isinstance(error, PermissionError):
        return "lecture du fichier non autorisée"
    return "fichier illisible"
