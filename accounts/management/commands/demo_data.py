from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from beneficiaries import demo as beneficiaries_demo
from distributions import demo as distributions_demo
from distributions import events_demo
from equipment import demo as equipment_demo


class Command(BaseCommand):
    help = "Crée les données de démonstration (idempotent : relancer ne duplique rien)."

    @transaction.atomic
    def handle(self, *args, **options):
        users = accounts_demo.populate()
        equipment_demo.populate(users)
        beneficiaries_demo.populate(users)
        distributions_demo.populate(users)
        events_demo.populate(users)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
