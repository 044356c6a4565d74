"""Django's own validation messages in plain French (locale/fr/LC_MESSAGES), and the catalogue kept in step."""

import gettext
import re
from pathlib import Path

import django
from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm

LOCALE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
DJANGO = Path(django.__file__).parent


def _po_entries(path: Path) -> dict:
    """msgid (or (msgid, index) for plural forms) -> msgstr, for the simple one-line entries of our .po."""
    entries, msgid = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r'msgid "(.*)"', line):
            msgid = match[1]
        elif match := re.fullmatch(r'msgstr "(.*)"', line):
            if msgid:
                entries[msgid] = match[1]
        elif match := re.fullmatch(r'msgstr\[(\d)\] "(.*)"', line):
            entries[(msgid, int(match[1]))] = match[2]
    return entries


def _django_catalogue() -> dict:
    catalogue = {}
    for path in [
        DJANGO / "conf/locale/fr/LC_MESSAGES/django.mo",
        DJANGO / "contrib/auth/locale/fr/LC_MESSAGES/django.mo",
    ]:
        with path.open("rb") as file:
            catalogue.update(gettext.GNUTranslations(file)._catalog)
    return catalogue


def test_every_message_replaced_is_one_django_writes():
    """A msgid that Django changes in an upgrade would silently bring its own wording back: it must exist."""
    ours = _po_entries(LOCALE / "django.po")
    assert len(ours) > 30
    django_keys = set(_django_catalogue())
    assert set(ours) <= django_keys, set(ours) - django_keys


def test_the_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)._catalog
    ours = _po_entries(LOCALE / "django.po")
    assert {key: value for key, value in compiled.items() if key} == ours, "make messages"


class _Example(forms.Form):
    email = forms.EmailField(label="Adresse e-mail")
    size = forms.IntegerField(label="Personnes", min_value=1, max_value=20)
    name = forms.CharField(label="Nom", max_length=5)
    on = forms.DateField(label="Date")
    kind = forms.ChoiceField(label="Type", choices=[("a", "A")])


def test_a_form_speaks_plain_french():
    form = _Example({"email": "marie@", "size": "25", "name": "Dupont-Martin", "on": "31/02/2026", "kind": "z"})
    assert form.errors == {
        "email": ["Indiquez une adresse e-mail complète, par exemple nom@exemple.fr."],
        "size": ["Indiquez un nombre inférieur ou égal à 20."],
        "name": ["Ce texte est trop long : 5 caractères au plus (vous en avez saisi 13)."],
        "on": ["Indiquez une date qui existe, au format jj/mm/aaaa (par exemple 14/07/1960)."],
        "kind": ["Choisissez une des options de la liste (« z » n’en fait pas partie)."],
    }
    assert _Example({"size": "abc"}).errors["size"] == ["Indiquez un nombre entier, en chiffres (par exemple 3)."]
    assert _Example({}).errors["email"] == ["Ce champ est obligatoire."]


def test_the_password_change_speaks_plain_french(db, django_user_model):
    user = django_user_model.objects.create_user("marie", password="ancien-mot-de-passe-2026")
    form = PasswordChangeForm(user, {"old_password": "faux", "new_password1": "a", "new_password2": "b"})
    assert form.errors["old_password"] == ["Votre mot de passe actuel n’est pas le bon : tapez-le à nouveau."]
    assert "Les deux mots de passe tapés ne sont pas identiques" in form.errors["new_password2"][0]
