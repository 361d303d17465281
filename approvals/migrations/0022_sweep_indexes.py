"""The indexes a deadline sweep has to write (docs/performance.md, "The deadline sweep writes in bulk").

Moving a review's next check is never a HOT update (`next_check_at` is indexed), so every index of
`approvals_itemreview` gets an entry for every review the sweep moves on. Dropped: the indexes another one
already leads with (a review's application: `one_review_per_item`; its department: `review_department_clock`; a
firing's department: `firing_board`; a digest line's firing: `digest_line_once`) and the status's
`varchar_pattern_ops` twin (only LIKE needs it). The people who acted on a review are indexed only where someone
did (partial), so open reviews have no entry there.

Safe on a big table: the new indexes are built first with CREATE INDEX CONCURRENTLY (PostgreSQL; writes go on),
then the old ones are dropped (a DROP INDEX is immediate). Hence not atomic.
"""

from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion
import django_fsm

from portal.migration_operations import AddIndexSafely


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('approvals', '0021_merge_list_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # First the new indexes (so that the old ones below are not their only index for a moment) ...
        AddIndexSafely(
            model_name='itemreview',
            index=models.Index(fields=['status'], name='review_status'),
        ),
        AddIndexSafely(
            model_name='itemreview',
            index=models.Index(condition=models.Q(('extended_by__isnull', False)), fields=['extended_by'], name='review_extended_by'),
        ),
        AddIndexSafely(
            model_name='itemreview',
            index=models.Index(condition=models.Q(('opinion_by__isnull', False)), fields=['opinion_by'], name='review_opinion_by'),
        ),
        AddIndexSafely(
            model_name='itemreview',
            index=models.Index(condition=models.Q(('decided_by__isnull', False)), fields=['decided_by'], name='review_decided_by'),
        ),
        AddIndexSafely(
            model_name='itemreview',
            index=models.Index(condition=models.Q(('revoked_by__isnull', False)), fields=['revoked_by'], name='review_revoked_by'),
        ),
        # ... then the fields' own indexes go.
        migrations.AlterField(
            model_name='deadlinefiring',
            name='department',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='firings', to='approvals.department'),
        ),
        migrations.AlterField(
            model_name='digestline',
            name='firing',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='digest_lines', to='approvals.deadlinefiring'),
        ),
        migrations.AlterField(
            model_name='itemreview',
            name='application',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='approvals.application'),
        ),
        migrations.AlterField(
            model_name='itemreview',
            name='decided_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AlterField(
            model_name='itemreview',
            name='department',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='approvals.department'),
        ),
        migrations.AlterField(
            model_name='itemreview',
            name='extended_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='extension approved by'),
        ),
        migrations.AlterField(
            model_name='itemreview',
            name='opinion_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='itemreview',
            name='revoked_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by'),
        ),
        migrations.AlterField(
            model_name='itemreview',
            name='status',
            field=django_fsm.FSMField(choices=[('pending', 'Pending'), ('under_review', 'Under review'), ('suspended', 'Suspended'), ('approved', 'Approved, awaiting signature'), ('refused', 'Refused, awaiting signature'), ('signed', 'Decided and signed'), ('cancelled', 'Cancelled')], default='pending', max_length=16, protected=True, verbose_name='status'),
        ),
    ]
