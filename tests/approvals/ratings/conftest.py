import pytest

from tests.approvals.deadlines.broker import private_broker
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401


@pytest.fixture(autouse=True)
def broker_queue(tmp_path):
    """Tasks queued on commit (notification deliveries) go to a filesystem queue of this test's own."""
    with private_broker(tmp_path / "celery") as queue:
        yield queue
