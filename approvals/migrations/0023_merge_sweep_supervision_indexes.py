"""Joins the two index changes made side by side: the sweep's thinner review indexes (0022_sweep_indexes) and the
live board's partial indexes over open rows (0022_supervision_live_indexes). No operations of its own."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("approvals", "0022_supervision_live_indexes"),
        ("approvals", "0022_sweep_indexes"),
    ]

    operations = []
