"""The default pack template every territory starts with: « Pack bureautique »."""

from django.db import migrations

DEFAULT_NAME = "Pack bureautique"
DEFAULT_LINES = [("screen", 1), ("desktop", 1), ("keyboard", 1), ("mouse", 1), ("cable", 1)]


def create_default_template(apps, schema_editor):
    PackTemplate = apps.get_model("distributions", "PackTemplate")
    PackTemplateLine = apps.get_model("distributions", "PackTemplateLine")
    template, created = PackTemplate.objects.get_or_create(
        name=DEFAULT_NAME,
        defaults={
            "is_default": not PackTemplate.objects.filter(is_default=True).exists(),
            "description": "Poste fixe complet : un écran, une unité centrale, un clavier, une souris et la "
            "connectique (câbles d'alimentation et vidéo).",
        },
    )
    if created:
        PackTemplateLine.objects.bulk_create(
            PackTemplateLine(template=template, category=category, quantity=quantity)
            for category, quantity in DEFAULT_LINES
        )


class Migration(migrations.Migration):
    dependencies = [("distributions", "0001_initial")]

    operations = [migrations.RunPython(create_default_template, migrations.RunPython.noop)]
