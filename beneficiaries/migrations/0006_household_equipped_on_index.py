"""Index on Household.equipped_on (only the equipped households), for « foyers équipés dans l'année ».

The dashboard (reports.equipped) reads the households whose equipped_on falls in a year: a few hundred of 50,000,
read through this index instead of the whole table. Raw SQL so that the model state is unchanged (the index is the
reports' need; beneficiaries/models.py may declare it later with the same name and condition).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0005_personal_data")]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS household_equipped_on ON beneficiaries_household (equipped_on) "
            "WHERE equipped_on IS NOT NULL",
            reverse_sql="DROP INDEX IF EXISTS household_equipped_on",
        )
    ]
