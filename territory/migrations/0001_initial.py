"""Communes and QPV move from beneficiaries to territory: the models change app, the tables and their rows stay.

State only: the tables were created by beneficiaries (0001) and keep their names (Meta.db_table), so an existing
database migrates without touching a row. beneficiaries 0009 and accounts 0003 point their relations here, then
beneficiaries drops the two models from its state; territory 0002 moves the content types (admin history and
permissions given in the admin stay attached).
"""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("beneficiaries", "0008_household_unequipped_expiry_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Commune",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "insee_code",
                            models.CharField(
                                max_length=5,
                                unique=True,
                                validators=[django.core.validators.RegexValidator("^\\d[\\dAB]\\d{3}$")],
                                verbose_name="code INSEE",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="nom")),
                        (
                            "postal_codes",
                            models.CharField(help_text="Séparés par « ; ».", max_length=100, verbose_name="codes postaux"),
                        ),
                        (
                            "name_key",
                            models.CharField(db_index=True, editable=False, max_length=100, verbose_name="nom normalisé"),
                        ),
                        ("zrr", models.BooleanField(default=False, verbose_name="classée en ZRR")),
                        (
                            "is_active",
                            models.BooleanField(
                                default=True,
                                help_text="Décochée quand la commune ne fait plus partie du territoire.",
                                verbose_name="dans le territoire",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "commune",
                        "verbose_name_plural": "communes",
                        "db_table": "beneficiaries_commune",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Qpv",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=10, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=200, verbose_name="nom")),
                        (
                            "communes",
                            models.ManyToManyField(
                                blank=True, related_name="qpvs", to="territory.commune", verbose_name="communes"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "QPV",
                        "verbose_name_plural": "QPV",
                        "db_table": "beneficiaries_qpv",
                        "ordering": ["name"],
                    },
                ),
            ],
            database_operations=[],
        )
    ]
