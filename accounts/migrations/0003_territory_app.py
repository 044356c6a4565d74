"""The communes a structure serves are the territory app's (territory 0001). State only: same table, same rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_organisation_communes_served"), ("territory", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="organisation",
                    name="communes_served",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="Les habitants de ces communes peuvent s'adresser à cette structure (page "
                        "d'accueil publique).",
                        related_name="structures",
                        to="territory.commune",
                        verbose_name="communes desservies",
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
