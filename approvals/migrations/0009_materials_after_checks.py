# Issue 8, item 8: decisions on commitment verified afterwards (事后核查): the after-check with its indexed due
# date, the revocation of a decision found false, and the timeline and firing kinds they write.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0008_materials_on_file'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='itemreview',
            name='revocation_reason',
            field=models.TextField(blank=True, verbose_name='reason for the revocation'),
        ),
        migrations.AddField(
            model_name='itemreview',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='revoked at'),
        ),
        migrations.AddField(
            model_name='itemreview',
            name='revoked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by'),
        ),
        migrations.AlterField(
            model_name='applicationevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Draft created'), ('material_uploaded', 'Material uploaded'), ('commitment_signed', 'Commitment signed'), ('delivery_chosen', 'Delivery method chosen'), ('pre_review_requested', 'Pre-review requested'), ('pre_review_answered', 'Pre-review answered'), ('submitted', 'Submitted'), ('supplement_requested', 'Supplement requested'), ('supplement_answered', 'Supplement answered'), ('not_accepted', 'Not accepted'), ('accepted', 'Accepted'), ('deemed_accepted', 'Deemed accepted'), ('stage_opened', 'Stage opened'), ('stage_closed', 'Stage closed'), ('review_started', 'Review started'), ('suspended', 'Review suspended'), ('resumed', 'Review resumed'), ('extended', 'Limit extended'), ('item_decided', 'Item decided'), ('signed', 'Decision signed'), ('commitment_confirmed', 'Commitment confirmed by the after-check'), ('decision_revoked', 'Decision revoked (false commitment)'), ('decided', 'Bundle decided'), ('fee', 'Fee'), ('paid', 'Fee paid'), ('delivered', 'Delivered'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn'), ('visit', 'Visit recorded')], max_length=32, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='deadlinefiring',
            name='kind',
            field=models.CharField(choices=[('deemed_accepted', 'Deemed accepted (Art. 32)'), ('review_yellow', 'Review: little time left'), ('review_red', 'Review: promised limit passed'), ('review_legal', 'Review: legal limit passed'), ('stage_yellow', 'Stage: little time left'), ('stage_red', 'Stage: promised limit passed'), ('delivery_red', 'Certificate not delivered in 10 working days (Art. 44)'), ('after_check_overdue', 'After-check of a commitment not done in time'), ('demand_yellow', 'Demand: little time left (222 rule)'), ('demand_red', 'Demand: 222 limit passed')], max_length=32, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='AfterCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened_at', models.DateTimeField(verbose_name='opened at')),
                ('due_at', models.DateTimeField(db_index=True, verbose_name='due at')),
                ('warn_at', models.DateTimeField(blank=True, null=True, verbose_name='yellow from')),
                ('check_at', models.DateTimeField(blank=True, null=True, verbose_name='next deadline check')),
                ('outcome', models.CharField(blank=True, choices=[('confirmed', 'Commitment confirmed'), ('false_commitment', 'False commitment')], max_length=16, verbose_name='outcome')),
                ('note', models.TextField(blank=True, verbose_name='findings')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='checked at')),
                ('commitment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='approvals.commitment', verbose_name='commitment')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='checked by')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='after_checks', to='approvals.department', verbose_name='department')),
                ('review', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='after_check', to='approvals.itemreview', verbose_name='decision on commitment')),
            ],
            options={
                'verbose_name': 'after-check',
                'verbose_name_plural': 'after-checks',
                'ordering': ['due_at', 'id'],
                'indexes': [models.Index(condition=models.Q(('outcome', '')), fields=['department', 'due_at'], name='after_check_open'), models.Index(condition=models.Q(('check_at__isnull', False)), fields=['check_at'], name='after_check_next')],
            },
        ),
    ]
