import pytest

from tests.approvals.deadlines.broker import private_broker
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401


@pytest.fixture(autouse=True)
def broker_queue(request, tmp_path):
    """Every deadline test publishes to a filesystem queue of its own (see broker.py); yields its folder.

    Not for the `services` tests: they run a real worker on the run's broker, so they publish to it.
    """
    if request.node.get_closest_marker("services"):
        yield None
        return
    with private_broker(tmp_path / "celery") as queue:
        yield queue
