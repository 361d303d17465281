"""Wording of clocks and limits: no zero parts ("0 working days 6 h 40 min"), 即办 instead of "0 working days",
and a label's colon that follows the language."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from approvals.services.progress import ClockView, office_duration_text
from approvals.templatetags.limits import promised_limit, working_days
from portal.wording import colon


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("parts, text", [((0, 6, 40), "6 h 40 min"), ((1, 0, 5), "1 working day 5 min"),
                                         ((3, 2, 0), "3 working days 2 h"), ((0, 0, 0), "less than a minute")])
def test_duration_leaves_out_zero_parts(parts, text):
    assert office_duration_text(*parts) == text


def test_remaining_and_overdue(db):
    left = ClockView(due_at=None, legal_due_at=None, light="yellow", remaining=timedelta(hours=6, minutes=40))
    late = ClockView(due_at=None, legal_due_at=None, light="red", remaining=-timedelta(hours=2))
    assert left.remaining_text == "6 h 40 min left"
    assert late.remaining_text == "overdue by 2 h"


def test_immediate_items_read_on_the_spot():
    class Item:
        immediate, promised_limit_days = True, 0

    assert promised_limit(Item()) == working_days(0) == "on the spot (即办)"
    assert working_days(4) == "4 working days" and working_days(1) == "1 working day"


def test_colon_follows_the_language():
    assert colon() == ": "
    with translation.override("zh-hans"):
        assert colon() == "："
        assert Template("{% load wording %}原因{% colon %}缺材料").render(Context()) == "原因：缺材料"
