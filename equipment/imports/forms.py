from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from equipment.imports.csv_rows import HEADER


class ItemImportForm(forms.Form):
    """Upload of an equipment CSV; its content is checked by the importer, never trusted from the file name."""

    file = forms.FileField(
        label="Fichier CSV",
        help_text=f"Encodage UTF-8, première ligne : {','.join(HEADER)}",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        limit = settings.FILE_UPLOAD_MAX_SIZE
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier pèse {filesizeformat(upload.size)} ; la limite est de {filesizeformat(limit)}. "
                "Découpez-le en plusieurs fichiers."
            )
        self.filename = upload.name[:100]
        return upload.read()
