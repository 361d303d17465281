"""The 222 clocks in the unit of every other clock: due and yellow times to the whole minute (approvals/clocks.py
`hours_due_at`, `warn_before`). Rows stored before carried seconds (a 2-hour limit from 10:00:37.5, a yellow
threshold at 11:52:30): due times are rounded up, yellow thresholds down, and a pending sweep check follows."""

from datetime import timedelta

from django.db import migrations


def _minute(moment, *, up):
    if moment is None:
        return None
    down = moment.replace(second=0, microsecond=0)
    return down + timedelta(minutes=1) if up and down != moment else down


def forwards(apps, schema_editor):
    Demand = apps.get_model("agents", "Demand")
    changed = []
    rows = Demand.objects.exclude(due_at=None).only("pk", "due_at", "warn_at", "next_check_at").order_by("pk")
    for demand in rows.iterator(chunk_size=2000):
        due, warn = _minute(demand.due_at, up=True), _minute(demand.warn_at, up=False)
        check = demand.next_check_at
        if check is not None:
            check = warn if check == demand.warn_at else due if check == demand.due_at else _minute(check, up=False)
        if (due, warn, check) != (demand.due_at, demand.warn_at, demand.next_check_at):
            demand.due_at, demand.warn_at, demand.next_check_at = due, warn, check
            changed.append(demand)
        if len(changed) >= 2000:
            Demand.objects.bulk_update(changed, ["due_at", "warn_at", "next_check_at"])
            changed = []
    if changed:
        Demand.objects.bulk_update(changed, ["due_at", "warn_at", "next_check_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("agents", "0003_demand_ratings"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
