"""Load the territory shipped with the project (La Porte du Hainaut: 47 communes and its QPV) from territory/data (beneficiaries/data when it was written)."""

from django.db import migrations


def load(apps, schema_editor):
    from territory.loader import load_default_territory

    load_default_territory(
        commune_model=apps.get_model("beneficiaries", "Commune"),
        qpv_model=apps.get_model("beneficiaries", "Qpv"),
    )


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
