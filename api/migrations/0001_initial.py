# Workbench tokens: hashed, bound to a refurbisher, revocable, last use kept.

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_territory_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkbenchToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text="Le poste ou le technicien qui s'en sert : « Poste 3 », « Clé de Karim ».", max_length=100, verbose_name='nom')),
                ('prefix', models.CharField(help_text='Pour reconnaître le jeton, sans le dévoiler.', max_length=12, verbose_name='début du jeton')),
                ('key_hash', models.CharField(max_length=64, unique=True, verbose_name='empreinte')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='révoqué le')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='dernier envoi le')),
                ('last_used_address', models.CharField(blank=True, max_length=64, verbose_name='dernier envoi depuis')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='créé par')),
                ('organisation', models.ForeignKey(limit_choices_to={'kind': 'refurbisher'}, on_delete=django.db.models.deletion.PROTECT, related_name='workbench_tokens', to='accounts.organisation', verbose_name='reconditionneur')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='révoqué par')),
                ('technician', models.ForeignKey(blank=True, help_text='Facultatif : les effacements des rapports envoyés avec ce jeton lui sont attribués.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='workbench_tokens', to=settings.AUTH_USER_MODEL, verbose_name='technicien')),
            ],
            options={
                'verbose_name': 'jeton Workbench',
                'verbose_name_plural': 'jetons Workbench',
                'ordering': ['organisation__name', 'name'],
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('name'), name='workbenchtoken_name_unique', violation_error_message='Un jeton Workbench porte déjà ce nom.'), models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='workbenchtoken_name_set'), models.CheckConstraint(condition=models.Q(('key_hash__regex', '^[0-9a-f]{64}$')), name='workbenchtoken_hash_sha256'), models.CheckConstraint(condition=models.Q(('revoked_by__isnull', True), ('revoked_at__isnull', False), _connector='OR'), name='workbenchtoken_revoked_by_when_revoked')],
            },
        ),
    ]
