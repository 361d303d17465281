"""Partial indexes over the open rows that the live board and the running-work figures read.

Built with CREATE INDEX CONCURRENTLY on PostgreSQL (portal.migration_operations), hence not atomic."""

from django.conf import settings
from django.db import migrations, models

from portal.migration_operations import AddIndexSafely


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('approvals', '0021_merge_list_indexes'),
        ('portal', '0007_merge_audit_lists_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexSafely(
            model_name='application',
            index=models.Index(condition=models.Q(('status__in', ['submitted', 'supplement_requested', 'under_review'])), fields=['status', 'id', 'submitted_at', 'acceptance_due_at', 'acceptance_warn_at'], name='app_running'),
        ),
        AddIndexSafely(
            model_name='application',
            index=models.Index(condition=models.Q(('submitted_at__isnull', False)), fields=['id'], name='app_submitted_id'),
        ),
        AddIndexSafely(
            model_name='itemreview',
            index=models.Index(condition=models.Q(('status__in', ['pending', 'under_review', 'suspended', 'approved', 'refused'])), fields=['application', 'status', 'due_at', 'warn_at', 'started_at'], name='review_live_app_clock'),
        ),
    ]
