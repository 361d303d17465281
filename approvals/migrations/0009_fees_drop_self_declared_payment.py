"""The fees' old payment columns go (payment is recorded on the payment notice, see 0008).

A migration of its own: on PostgreSQL, altering a table in the transaction that updated its rows with deferred
foreign-key checks pending fails ("pending trigger events").
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0008_fees_payment_notices'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='feecharge',
            name='receipt_number_unique',
        ),
        migrations.RemoveField(
            model_name='feecharge',
            name='paid_at',
        ),
        migrations.RemoveField(
            model_name='feecharge',
            name='receipt_number',
        ),
        migrations.RemoveField(
            model_name='feecharge',
            name='recorded_by',
        ),
    ]
