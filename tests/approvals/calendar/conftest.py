"""The calendar is cached per process across tests while each test's database rolls back: start clean."""

import pytest

from approvals.calendar.loading import invalidate


@pytest.fixture(autouse=True)
def _fresh_calendar():
    invalidate()
    yield
    invalidate()
