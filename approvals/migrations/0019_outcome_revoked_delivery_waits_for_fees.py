"""The bundle's outcome counts revoked approvals as not approved (a new outcome when nothing stands), and the
certificate delivery clock waits for the fee: existing rows follow the rules (approvals.models.applications
`outcome_of`, approvals.clocks `delivery_due_at`)."""

from django.db import migrations, models
from django.db.models import Count, Q


def forwards(apps, schema_editor):
    Application = apps.get_model("approvals", "Application")
    ItemReview = apps.get_model("approvals", "ItemReview")
    PaymentNotice = apps.get_model("approvals", "PaymentNotice")
    # Outcomes of decided bundles with a revoked approval, by the rule of `outcome_of`.
    revoked = ItemReview.objects.filter(revoked_at__isnull=False).values("application_id")
    standing = Q(reviews__status="signed", reviews__decision="approve", reviews__revoked_at__isnull=True)
    for app in (Application.objects.exclude(outcome="").filter(pk__in=revoked)
                .annotate(total=Count("reviews"), approved=Count("reviews", filter=standing))):
        outcome = ("all_approved" if app.total and app.approved == app.total else
                   "partly_approved" if app.approved else "revoked")
        if outcome != app.outcome:
            Application.objects.filter(pk=app.pk).update(outcome=outcome)
    # Delivery clocks of decided bundles with a payment notice: none while it is due, moved on once paid.
    notices = PaymentNotice.objects.filter(application__status="decided")
    Application.objects.filter(status="decided", payment_notice__status="due").update(
        delivery_due_at=None, delivery_check_at=None)
    paid = list(notices.filter(status="paid").select_related("application"))
    if not paid:
        return
    from approvals import clocks
    from approvals.calendar.loading import build_calendar

    cal = build_calendar()
    for notice in paid:
        end = max(notice.paid_at or notice.issued_at, notice.issued_at)
        end = min(end, notice.confirmed_at) if notice.confirmed_at else end
        due = clocks.delivery_due_at(cal, notice.application.decided_at, fee_issued_at=notice.issued_at,
                                     fee_paid_at=end)
        if due != notice.application.delivery_due_at:
            Application.objects.filter(pk=notice.application_id).update(delivery_due_at=due, delivery_check_at=due)


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0018_merge_lists_materials_ratings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='application',
            name='outcome',
            field=models.CharField(blank=True, choices=[('all_approved', 'All approved'), ('partly_approved', 'Partly approved'), ('refused', 'Refused'), ('revoked', 'Approval revoked')], max_length=16, verbose_name='outcome'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
