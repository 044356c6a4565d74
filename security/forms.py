from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code de vérification",
        max_length=16,
        help_text="Le code à 6 chiffres affiché par l'application, ou un code de secours.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "autofocus": True,
            }
        ),
    )
