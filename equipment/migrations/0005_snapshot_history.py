# Snapshots as evidence (file in storage, sender, channel), the newest taken snapshot wins, drives follow it.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('equipment', '0004_storage_accounted'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='drive',
            name='last_seen_in',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='drives_seen', to='equipment.snapshotimport', verbose_name='vu pour la dernière fois dans'),
        ),
        migrations.AddField(
            model_name='drive',
            name='removed_at',
            field=models.DateTimeField(blank=True, help_text="Absent du rapport matériel le plus récent : plus dans l'ordinateur. Ses effacements restent.", null=True, verbose_name='retiré le'),
        ),
        migrations.AddField(
            model_name='snapshotimport',
            name='channel',
            field=models.CharField(blank=True, choices=[('upload', "Envoi de fichier dans l'atelier"), ('command', 'Commande import_snapshot'), ('api', 'Envoi direct du Workbench')], max_length=10, verbose_name='reçu par'),
        ),
        migrations.AddField(
            model_name='snapshotimport',
            name='cpu',
            field=models.CharField(blank=True, max_length=200, verbose_name='processeur'),
        ),
        migrations.AddField(
            model_name='snapshotimport',
            name='file',
            field=models.FileField(blank=True, upload_to='snapshots/%Y/%m/', verbose_name='fichier'),
        ),
        migrations.AddField(
            model_name='snapshotimport',
            name='lists_drives',
            field=models.BooleanField(default=True, verbose_name='relève les supports'),
        ),
        migrations.AddField(
            model_name='snapshotimport',
            name='manufacturer',
            field=models.CharField(blank=True, max_length=100, verbose_name='marque'),
        ),
        migrations.AddField(
            model_name='snapshotimport',
            name='model',
            field=models.CharField(blank=True, max_length=200, verbose_name='modèle'),
        ),
        migrations.AddField(
            model_name='snapshotimport',
            name='ram_mb',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='mémoire vive (Mo)'),
        ),
        migrations.AddField(
            model_name='snapshotimport',
            name='sender',
            field=models.CharField(blank=True, help_text='Nom du jeton du Workbench.', max_length=100, verbose_name='envoyé par'),
        ),
        migrations.AddField(
            model_name='snapshotimport',
            name='taken_at',
            field=models.DateTimeField(default=django.utils.timezone.now, help_text="Selon l'horloge de l'ordinateur (endTime, timestamp) ; à défaut, l'heure de l'import.", null=True, verbose_name='pris le'),
        ),
        # Snapshots imported before this migration are ordered by their import time, as they were until now.
        migrations.RunSQL(
            "UPDATE equipment_snapshotimport SET taken_at = imported_at WHERE taken_at IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='snapshotimport',
            name='taken_at',
            field=models.DateTimeField(default=django.utils.timezone.now, help_text="Selon l'horloge de l'ordinateur (endTime, timestamp) ; à défaut, l'heure de l'import.", verbose_name='pris le'),
        ),
        migrations.AlterField(
            model_name='snapshotimport',
            name='raw',
            field=models.JSONField(blank=True, null=True, verbose_name='contenu'),
        ),
        migrations.AddIndex(
            model_name='snapshotimport',
            index=models.Index(fields=['item', 'taken_at'], name='snapshot_item_taken_idx'),
        ),
        migrations.AddConstraint(
            model_name='snapshotimport',
            constraint=models.CheckConstraint(condition=models.Q(('channel', ''), ('channel__in', ['upload', 'command', 'api']), _connector='OR'), name='snapshot_channel_valid'),
        ),
    ]
