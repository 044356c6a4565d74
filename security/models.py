from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """One refused login: keyed digests of the typed username and of the address, never the values themselves."""

    username_digest = models.CharField("compte (empreinte)", max_length=64)
    address_digest = models.CharField("adresse (empreinte)", max_length=64, blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "échec de connexion"
        verbose_name_plural = "échecs de connexion"
        indexes = [
            models.Index(fields=["username_digest", "created_at"], name="loginfailure_user_idx"),
            models.Index(fields=["address_digest", "created_at"], name="loginfailure_address_idx"),
        ]

    def __str__(self):
        return f"Échec de connexion du {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"
