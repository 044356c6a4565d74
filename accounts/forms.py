from django import forms
from django.conf import settings
from django.contrib.auth import check_password_with_timing_attack_mitigation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.views.decorators.debug import sensitive_variables

from accounts.models import Organisation, User
from core.ratelimit import client_address
from security.lockout import Lock, login_attempt_start, login_failures_clear, login_lock
from territory.models import Commune


class LoginForm(AuthenticationForm):
    """The login form, with a plain French message when a known account is refused.

    The reason (account or organisation deactivated, demo account) is only given to someone who typed the right
    password, so the form never tells a stranger which usernames exist. Both branches hash the password once more,
    so the answer takes the same time whether the username exists or not.
    """

    error_messages = {
        "invalid_login": (
            "Nom d’utilisateur ou mot de passe incorrect. Attention aux majuscules et minuscules. "
            "Mot de passe oublié : adressez-vous à la coordination du programme."
        ),
        "inactive": "Ce compte est désactivé. Adressez-vous à la coordination du programme.",
    }

    @sensitive_variables("password")
    def clean(self):
        address = client_address(self.request) if self.request is not None else None
        lock = login_lock(username=self.cleaned_data.get("username"), address=address)
        if lock is not None:
            raise ValidationError(lock.message, code="locked")
        try:
            return super().clean()
        except ValidationError as error:
            if error.code != "invalid_login":
                raise
            lock = getattr(self.request, "login_lock", None)  # another attempt took the last try meanwhile
            if lock is not None:
                raise ValidationError(lock.message, code="locked") from error
            reason = self._refusal_reason(self.cleaned_data.get("username"), self.cleaned_data.get("password"))
            if reason:
                raise ValidationError(reason, code="inactive") from error
            raise

    @sensitive_variables("password")
    def _refusal_reason(self, username: str | None, password: str | None) -> str | None:
        user = User.objects.select_related("organisation").filter(username=username).first()
        if not check_password_with_timing_attack_mitigation(user, password or ""):
            return None
        if not user.is_active:
            return self.error_messages["inactive"]
        if user.organisation is not None and not user.organisation.is_active:
            return (
                f"« {user.organisation.name} » est désactivée : ses comptes ne peuvent plus se connecter. "
                "Adressez-vous à la coordination du programme."
            )
        if user.is_demo and not settings.DEMO_MODE:
            return "Les comptes de démonstration ne sont pas acceptés sur ce serveur."
        return None


class LockedPasswordChangeForm(PasswordChangeForm):
    """Changing one's password asks for the current one: the same lockout as the login, or the form would be an
    unthrottled way to try passwords on an open session (a shared office PC left signed in).

    Each wrong current password counts as a refused login of this account from this address (security.lockout),
    and an account or address that the login would refuse is refused here too, with the same message.
    """

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    @sensitive_variables("old_password")
    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        address = client_address(self.request) if self.request is not None else None
        attempt = login_lock(username=username, address=address) or login_attempt_start(
            username=username, address=address
        )
        if isinstance(attempt, Lock):
            raise ValidationError(attempt.message, code="locked")
        if not self.user.check_password(old_password):
            raise ValidationError(
                "Votre mot de passe actuel est incorrect. Attention aux majuscules et minuscules.",
                code="password_incorrect",
            )
        login_failures_clear(username=username)
        return old_password


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "address", "phone", "email", "opening_hours", "communes_served"]
        labels = {
            "name": "Nom",
            "kind": "Type",
            "address": "Adresse",
            "phone": "Téléphone",
            "email": "E-mail",
            "opening_hours": "Horaires d'ouverture",
            "communes_served": "Communes desservies",
        }
        help_texts = {
            "kind": "Décide des droits de ses membres : coordination, technicien, prescripteur ou partenaire.",
            "address": "Adresse complète avec la commune : elle sera indiquée aux habitants.",
            "phone": "Numéro que les habitants peuvent appeler, par exemple 03 27 09 00 00.",
            "opening_hours": "Par exemple : du lundi au vendredi, 9 h – 12 h et 14 h – 17 h.",
            "communes_served": "Structures prescriptrices seulement : sur la page d'accueil publique, les habitants "
            "de ces communes verront cette structure, avec son adresse, son téléphone et ses horaires.",
        }
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "communes_served": forms.CheckboxSelectMultiple,
        }
        error_messages = {"name": {"unique": "Une organisation porte déjà ce nom."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Communes that left the territory stay ticked on the structures that served them, but are not offered.
        communes = Commune.objects.in_territory()
        if self.instance.pk:
            communes = Commune.objects.filter(Q(is_active=True) | Q(structures=self.instance)).distinct()
        self.fields["communes_served"].queryset = communes


class MemberForm(forms.Form):
    """A new account; the organisation comes from the page, never from the form."""

    username = forms.CharField(
        label="Nom d'utilisateur",
        max_length=150,
        help_text="Celui que la personne tapera pour se connecter, par exemple « smartin ». "
        "Lettres, chiffres et @ . + - _ uniquement.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="E-mail professionnel", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    password = forms.CharField(
        label="Mot de passe initial",
        strip=False,
        help_text="Au moins 12 caractères mêlant majuscules, minuscules, chiffres et caractères spéciaux, ou une "
        "phrase de passe d'au moins 20 caractères ; ni trop courant, ni proche du nom. "
        "Communiquez-le de vive voix ; la personne le change à sa première connexion.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label="Mot de passe initial (confirmation)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", "Les deux mots de passe ne sont pas identiques.")
        return cleaned
