"""`manage.py sweep_deadlines --now ISO`: one synchronous pass, what fired printed."""

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from approvals.models import DeadlineFiring, FiringKind
from tests.factories.applications import SHANGHAI, accepted_application

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def run(*args):
    out = StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue()


def test_one_pass_as_of_the_given_moment_prints_what_fired(cat):
    application = accepted_application(cat, now=at(2026, 9, 28, 10, 0))  # Mon before National Day
    fee_review = application.reviews.get(item=cat.fee_item)
    # 4 working days after Mon 09-28: 09-29, 09-30, (holiday 10-01..07) 10-08, 10-09 -> Fri 10-09 17:30.
    # The stage's 5 days end on the make-up Saturday 10-10, so at 10-09 17:31 it has just turned yellow.
    assert fee_review.due_at == at(2026, 10, 9, 17, 30)
    assert application.stages.get().due_at == at(2026, 10, 10, 17, 30)

    output = run("--now", "2026-10-09T17:31+08:00")

    # The other two items (on the spot; 3 days = 10-08) are red too: three reviews yellow and red, stage yellow.
    assert "review_red: 3" in output and "review_yellow: 3" in output and "stage_yellow: 1" in output
    assert "stage_red" not in output and "deemed accepted 0" in output
    assert set(DeadlineFiring.objects.values_list("fired_at", flat=True)) == {at(2026, 10, 9, 17, 31)}
    assert DeadlineFiring.objects.filter(subject_id=fee_review.pk, kind=FiringKind.REVIEW_RED).exists()

    # Once only; a naive time is taken in the portal's time zone (Asia/Shanghai).
    assert run("--now", "2026-10-09T17:31", "--no-relay").startswith("Fired nothing")
    assert "stage_red: 1" in run("--now", "2026-10-10T17:31:00+08:00")


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T10:00", "2026-10-09 25:00", ""])
def test_a_bad_now_is_a_command_error(cat, value):
    accepted_application(cat)
    if value == "":
        # An empty --now is not "now": nothing may fire by accident.
        with pytest.raises(CommandError):
            run("--now", value)
    else:
        with pytest.raises(CommandError, match="ISO"):
            run("--now", value)
    assert not DeadlineFiring.objects.exists()
