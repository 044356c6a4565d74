from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from api.models import WorkbenchToken
from api.services import workbench_token_create, workbench_token_revoke


class Command(BaseCommand):
    help = (
        "Crée un jeton Workbench (un par poste ou par technicien) pour l'envoi direct des rapports matériels "
        "(POST /api/v1/snapshot/). Le jeton est affiché une seule fois, seul sur la dernière ligne ; Filière n'en "
        "garde qu'une empreinte. --revoke NOM révoque un jeton."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", metavar="NOM", help="nom du jeton : le poste ou le technicien (« Poste 3 »)")
        parser.add_argument(
            "--organisation",
            metavar="NOM",
            help="le reconditionneur (obligatoire s'il y en a plusieurs)",
        )
        parser.add_argument(
            "--technician", metavar="IDENTIFIANT", help="le technicien à qui attribuer les effacements"
        )
        parser.add_argument("--revoke", action="store_true", help="révoquer le jeton NOM au lieu d'en créer un")

    def handle(self, *args, name, organisation=None, technician=None, revoke=False, **options):
        if revoke:
            token = WorkbenchToken.objects.filter(name__iexact=name.strip()).first()
            if token is None:
                raise CommandError(f"Aucun jeton ne s'appelle « {name} ».")
            workbench_token_revoke(token=token)
            self.stdout.write(f"Jeton « {token.name} » révoqué : il n'ouvre plus rien.")
            return
        try:
            token, key = workbench_token_create(
                name=name, organisation=self._organisation(organisation), technician=self._technician(technician)
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Jeton « {token.name} » créé pour {token.organisation}. Copiez-le maintenant, il ne sera plus affiché ; "
            "dans settings.ini de la clé Workbench : token = <le jeton ci-dessous>"
        )
        self.stdout.write(key)

    def _organisation(self, name: str | None) -> Organisation:
        refurbishers = Organisation.objects.active().filter(kind=OrganisationKind.REFURBISHER)
        if name:
            found = refurbishers.filter(name__iexact=name.strip()).first()
            if found is None:
                raise CommandError(f"Aucun reconditionneur actif ne s'appelle « {name} ».")
            return found
        found = list(refurbishers[:2])
        if len(found) != 1:
            names = ", ".join(refurbishers.values_list("name", flat=True)) or "aucun"
            raise CommandError(f"Précisez --organisation (reconditionneurs actifs : {names}).")
        return found[0]

    def _technician(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Aucun compte « {username} ».")
        return user
