"""The workshop's usual filter (a status and a category): its count and its first page read one index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("equipment", "0005_snapshot_history")]

    operations = [
        migrations.AddIndex(
            model_name="item",
            index=models.Index(fields=["status", "category", "received_on", "id"], name="item_status_category_idx"),
        ),
    ]
