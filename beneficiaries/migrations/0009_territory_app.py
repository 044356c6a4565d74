"""Communes and QPV now belong to the territory app (territory 0001): the household's commune points there and
beneficiaries forgets the two models. State only: no table or row changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0008_household_unequipped_expiry_index"),
        ("territory", "0001_initial"),
        ("accounts", "0003_territory_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="household",
                    name="commune",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="households",
                        to="territory.commune",
                        verbose_name="commune",
                    ),
                ),
                migrations.DeleteModel(name="Qpv"),
                migrations.DeleteModel(name="Commune"),
            ],
            database_operations=[],
        )
    ]
