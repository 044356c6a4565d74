"""Content types follow the models to territory: what points at them (admin history, permissions given in the
admin) stays attached. A database created after the move has nothing to move."""

from django.db import migrations


def move(apps, schema_editor, source="beneficiaries", target="territory"):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("commune", "qpv"):
        if content_type.objects.filter(app_label=target, model=model).exists():
            continue
        content_type.objects.filter(app_label=source, model=model).update(app_label=target)


def move_back(apps, schema_editor):
    move(apps, schema_editor, source="territory", target="beneficiaries")


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(move, move_back)]
