from django.core.management.base import BaseCommand
from django.db import transaction

from demo import accounts, beneficiaries, equipment, events, packs


class Command(BaseCommand):
    help = "Crée les données de démonstration (idempotent : relancer ne duplique rien)."

    @transaction.atomic
    def handle(self, *args, **options):
        users = accounts.populate()
        equipment.populate(users)
        beneficiaries.populate(users)
        packs.populate(users)
        events.populate(users)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
