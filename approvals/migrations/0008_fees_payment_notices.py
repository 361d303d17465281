"""Fees are charged for approved items only, and paid through a payment notice confirmed by the finance side.

Existing fees: those of decided (delivered, closed) applications become charged (item approved and signed) or
not charged; each such application with a charged fee gets its payment notice, paid when all its charged fees
had been recorded paid (the old receipt number and recorder kept; the channel left blank: it was not
confirmed through either channel of the new flow). Fees of withdrawn applications are not charged; the others
stay estimates.
"""

import secrets

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


DAMM = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
        "3674209581", "5869720314", "8945362017", "9438617205", "2581436790"]


def _code(year, taken):
    """A 20-digit payment code as approvals.payment_codes makes it: year, 15 random digits, a Damm check digit."""
    while True:
        body = f"{year:04d}{secrets.randbelow(10 ** 15):015d}"
        interim = 0
        for digit in body:
            interim = int(DAMM[interim][int(digit)])
        code = body + str(interim)
        if code not in taken:
            taken.add(code)
            return code


def split_fees(apps, schema_editor):
    FeeCharge = apps.get_model("approvals", "FeeCharge")
    ItemReview = apps.get_model("approvals", "ItemReview")
    PaymentNotice = apps.get_model("approvals", "PaymentNotice")
    taken = set(PaymentNotice.objects.values_list("code", flat=True))
    application_ids = FeeCharge.objects.values_list("application_id", flat=True).distinct()
    for application_id in application_ids.iterator():
        fees = list(FeeCharge.objects.filter(application_id=application_id).select_related("application"))
        application = fees[0].application
        if application.status == "withdrawn":
            FeeCharge.objects.filter(application_id=application_id).update(status="not_charged")
            continue
        if application.status not in ("decided", "delivered", "closed"):
            continue
        approved = set(ItemReview.objects.filter(application_id=application_id, status="signed", decision="approve")
                       .values_list("item_id", flat=True))
        charged = [fee for fee in fees if fee.item_id in approved]
        FeeCharge.objects.filter(application_id=application_id).exclude(item_id__in=approved).update(
            status="not_charged")
        if not charged:
            continue
        paid = all(fee.paid_at for fee in charged)
        first = min(charged, key=lambda fee: fee.pk)
        issued_at = application.decided_at or first.computed_at
        notice = PaymentNotice.objects.create(
            application_id=application_id, code=_code(issued_at.year, taken), issued_at=issued_at,
            standard_amount=sum(fee.standard_amount for fee in charged),
            charged_amount=sum(fee.charged_amount for fee in charged), saving=sum(fee.saving for fee in charged),
            status="paid" if paid else "due",
            paid_at=max(fee.paid_at for fee in charged) if paid else None,
            receipt_number=first.receipt_number if paid else "",
            confirmed_by_id=first.recorded_by_id if paid else None,
            confirmed_at=max(fee.paid_at for fee in charged) if paid else None,
        )
        FeeCharge.objects.filter(pk__in=[fee.pk for fee in charged]).update(status="charged", notice=notice)


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0007_delivery_chosen_event'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PaymentNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=20, unique=True, verbose_name='payment code')),
                ('standard_amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='standard amount')),
                ('charged_amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount to pay')),
                ('saving', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='saving')),
                ('issued_at', models.DateTimeField(verbose_name='issued at')),
                ('status', django_fsm.FSMField(choices=[('due', 'Awaiting payment'), ('paid', 'Paid')], db_index=True, default='due', max_length=8, protected=True, verbose_name='status')),
                ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='paid at')),
                ('receipt_number', models.CharField(blank=True, max_length=64, verbose_name='e-receipt number')),
                ('channel', models.CharField(blank=True, choices=[('window', 'Confirmed at the window'), ('platform', 'Unified payment platform')], max_length=16, verbose_name='confirmed through')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
            ],
            options={
                'verbose_name': 'payment notice',
                'verbose_name_plural': 'payment notices',
                'ordering': ['-issued_at', '-id'],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.AddField(
            model_name='feecharge',
            name='status',
            field=django_fsm.FSMField(choices=[('estimated', 'Estimated: due only if the item is approved'), ('charged', 'Charged'), ('not_charged', 'Not charged')], default='estimated', max_length=16, protected=True, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='paymentnotice',
            name='application',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='payment_notice', to='approvals.application', verbose_name='application'),
        ),
        migrations.AddField(
            model_name='paymentnotice',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by'),
        ),
        migrations.AddField(
            model_name='feecharge',
            name='notice',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='charges', to='approvals.paymentnotice', verbose_name='payment notice'),
        ),
        migrations.AddConstraint(
            model_name='paymentnotice',
            constraint=models.UniqueConstraint(condition=models.Q(('receipt_number', ''), _negated=True), fields=('receipt_number',), name='payment_receipt_number_unique'),
        ),
        migrations.RunPython(split_fees, migrations.RunPython.noop),
    ]
