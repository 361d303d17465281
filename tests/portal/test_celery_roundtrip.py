"""A task makes a real round trip: client -> broker -> a real Celery worker process -> result backend.

Both processes are started from the test with the environment pytest runs in, so the test follows the
configured shape: kombu's filesystem transport (in a temporary CELERY_DATA_DIR, so nothing under var/ is
touched) by default, Redis when REDIS_URL is set. The worker listens on a queue of its own, so a worker from
`make run` or another test run can never answer in its place.
"""

import json
import os
import signal
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from tests import workers

pytestmark = pytest.mark.services

BASE_DIR = workers.BASE_DIR
ROUNDTRIP_TIMEOUT = 60

# Runs in its own interpreter: sends the task exactly as application code does and reports what it saw.
CLIENT = """
import json, sys
import django
django.setup()
from portal.tasks import echo

token, queue, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
result = echo.apply_async((token,), queue=queue)
value = result.get(timeout=timeout)
print(json.dumps({
    "value": value,
    "task_id": result.id,
    "broker_url": echo.app.conf.broker_url,
    "result_backend": echo.app.conf.result_backend,
    "always_eager": bool(echo.app.conf.task_always_eager),
}))
"""


@pytest.fixture
def celery_env(tmp_path):
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    env["PYTHONUNBUFFERED"] = "1"
    if not env.get("REDIS_URL"):
        env["CELERY_DATA_DIR"] = str(tmp_path / "celery")
    return env


@pytest.fixture
def worker(celery_env, tmp_path):
    """A real worker process on a private queue; stopped (warm shutdown, then kill) after the test."""
    queue = f"roundtrip-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    process = workers.worker(celery_env, log_path, queues=[queue], name=queue, pool="solo",
                             extra=["--without-heartbeat"]).start()
    try:
        yield {"queue": queue, "process": process.process, "log": log_path}
    finally:
        process.stop()


def _send_echo(celery_env, token, queue, worker):
    try:
        completed = subprocess.run(
            [sys.executable, "-c", CLIENT, token, queue, str(ROUNDTRIP_TIMEOUT)],
            cwd=BASE_DIR,
            env=celery_env,
            capture_output=True,
            text=True,
            timeout=ROUNDTRIP_TIMEOUT + 30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("client hung; worker log:\n" + worker["log"].read_text())
    if completed.returncode != 0:
        pytest.fail(
            f"client failed (exit {completed.returncode}):\n{completed.stderr}\n"
            f"worker log:\n{worker['log'].read_text()}"
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_echo_round_trips_through_a_real_worker(celery_env, worker, tmp_path):
    token = f"token-{uuid.uuid4().hex}"

    report = _send_echo(celery_env, token, worker["queue"], worker)

    assert report["value"]["token"] == token
    assert report["value"]["worker"]
    assert report["always_eager"] is False
    assert worker["process"].poll() is None, "the worker died:\n" + worker["log"].read_text()
    # The answer came from *this* worker: it logged receiving and finishing that very task.
    log = worker["log"].read_text()
    assert f"portal.tasks.echo[{report['task_id']}] received" in log
    assert f"portal.tasks.echo[{report['task_id']}] succeeded" in log

    if os.environ.get("REDIS_URL"):
        # The service-backed run must really go through Redis, for messages and for results.
        assert report["broker_url"].startswith("redis://")
        assert report["result_backend"].startswith("redis://")
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        data_dir = tmp_path / "celery"
        assert report["broker_url"].startswith("filesystem://")
        assert report["result_backend"] == f"file://{data_dir / 'results'}"
        # The filesystem backend stored the result in the temporary folder, not under var/.
        assert any(report["task_id"] in path.name for path in (data_dir / "results").iterdir())


def test_worker_stops_cleanly_on_sigterm(celery_env, worker):
    """Warm shutdown works on this transport: honcho and docker stop workers with SIGTERM."""
    # Make sure the worker is up and consuming before asking it to stop.
    _send_echo(celery_env, "ping", worker["queue"], worker)

    worker["process"].send_signal(signal.SIGTERM)
    assert worker["process"].wait(timeout=30) == 0, worker["log"].read_text()
