import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from distributions.events.documents import handover_sheets_pdf
from distributions.events.models import Event
from distributions.events.selectors import sheet_invitations


class Command(BaseCommand):
    help = "Écrit dans un PDF les fiches de remise d'un événement (une page A4 par foyer ayant un pack)."

    def add_arguments(self, parser):
        parser.add_argument("event_id", type=int, help="Numéro de l'événement (visible dans son adresse web).")
        parser.add_argument("--output", required=True, help="Fichier PDF à écrire, par exemple fiches.pdf.")

    def handle(self, *args, event_id, output, **options):
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            raise CommandError(f"Aucun événement n° {event_id}.")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"Le dossier {path.parent} n'existe pas.")
        started = time.perf_counter()
        invitations = sheet_invitations(event, None)
        content = handover_sheets_pdf(event, invitations)
        path.write_bytes(content)
        elapsed = time.perf_counter() - started
        plural = "s" if len(invitations) > 1 else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(invitations)} fiche{plural} de remise écrite{plural} dans {path} ({elapsed:.1f} s) : {event}."
            )
        )
