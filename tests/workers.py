"""Real Celery worker and beat processes for the service tests, started from the test and always stopped.

Each process runs `celery -A portal worker|beat` (as the Procfile does) in its own process group, with the
environment the test gives it, and writes its log to a file the test can read and wait on. On Linux the
process is also tied to the test process (PR_SET_PDEATHSIG): if pytest itself is killed (a CI timeout), the
worker dies with it instead of consuming from the broker and holding connections to the test database.

`subprocess_env()` builds that environment: the test settings, the broker of the run (Redis when REDIS_URL is
set, otherwise kombu's filesystem transport in a temporary CELERY_DATA_DIR) and, on PostgreSQL, DATABASE_URL
pointing at the *test* database, so a worker sees what a `transactional_db` test committed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
READY_TIMEOUT = 60

# Runs in the child before exec: ask the kernel to SIGKILL it when its parent (the test process) dies.
_LAUNCHER = """
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
except Exception:
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)  # the parent is already gone
os.execv(sys.argv[2], sys.argv[2:])
"""


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")


def _service_shape_missing() -> str:
    if not redis_url():
        return ("service-backed run only (REDIS_URL is not set): the embedded run's worker is covered by "
                "tests/portal/test_celery_roundtrip.py")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs DATABASE_URL on PostgreSQL: SQLite's test database is in memory, no worker process sees it"
    return ""


# Marks a test that needs a worker process to see the test database through Redis and PostgreSQL.
SERVICE_SHAPE = pytest.mark.skipif(bool(_service_shape_missing()), reason=_service_shape_missing() or "-")


def _broker():
    import redis

    return redis.Redis.from_url(redis_url())


def unacknowledged_messages() -> int:
    """Messages handed to a worker and not acknowledged yet (kombu's Redis transport keeps them in a sorted set
    scored by the time they were handed out)."""
    return _broker().zcard("unacked_index")


def broker_idle(queue: str = "celery") -> bool:
    """Nothing waits in the queue (any priority) and nothing handed out is unacknowledged: every message
    published so far has been processed to the end."""
    client = _broker()
    keys = [queue, *(f"{queue}\x06\x16{step}" for step in (3, 6, 9))]  # kombu's priority lists
    return sum(client.llen(key) for key in keys) == 0 and client.zcard("unacked_index") == 0


def purge_queues() -> int:
    """Drop messages left in the default queue by earlier tests (published while no worker was running)."""
    from portal.celery import app

    return app.control.purge()


def worker_database_url() -> str | None:
    """DATABASE_URL of the test database (test_<name>) on PostgreSQL; None on SQLite (in memory, unshareable)."""
    if connection.vendor != "postgresql":
        return None
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def subprocess_env(tmp_path: Path, **extra: str) -> dict:
    """The environment of a worker/beat process: this run's settings, broker and test database."""
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BASE_DIR), env.get("PYTHONPATH", "")]))
    # The beat schedule file (and, without Redis, the filesystem queue and results) in a temporary folder.
    env["CELERY_DATA_DIR"] = str(tmp_path / "celery")
    database_url = worker_database_url()
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update({key: str(value) for key, value in extra.items()})
    return env


def wait_until(predicate, *, timeout: float, interval: float = 0.25, message: str = "condition", on_timeout=None):
    """Poll `predicate` until it returns a truthy value (returned); fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            details = on_timeout() if on_timeout else ""
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {message}\n{details}")
        time.sleep(interval)


class CeleryProcess:
    """One `celery -A portal <command>` process in its own process group, logging to `log_path`."""

    def __init__(self, command: str, args: list[str], *, env: dict, log_path: Path, ready_text: str = ""):
        assert CELERY.exists(), f"celery executable not found next to {sys.executable}"
        self.command, self.args, self.env, self.log_path = command, args, env, log_path
        self.ready_text = ready_text
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self) -> CeleryProcess:
        self._log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(os.getpid()), str(CELERY), "-A", "portal", self.command,
             *self.args],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches it (and any pool child) only
        )
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text: str, *, timeout: float = READY_TIMEOUT, count: int = 1) -> None:
        def seen():
            if not self.alive():
                pytest.fail(f"celery {self.command} exited with {self.process.returncode}:\n{self.log()}")
            return self.log().count(text) >= count

        wait_until(seen, timeout=timeout, message=f"{text!r} x{count} in the {self.command} log",
                   on_timeout=self.log)

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> CeleryProcess:
        if self.ready_text:
            self.wait_for_log(self.ready_text, timeout=timeout)
        return self

    def _signal_group(self, signum) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL the whole process group: no warm or cold shutdown, nothing acknowledged."""
        if self.process is None:
            return
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL the group if it does not exit in time. Safe to call twice."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self._signal_group(signal.SIGKILL)  # whatever is left of the group (pool children)
        if self.process.poll() is None:
            self.process.wait(timeout=10)
        if self._log and not self._log.closed:
            self._log.close()


def worker(env: dict, log_path: Path, *, queues: list[str] | None = None, name: str | None = None,
           pool: str = "threads", concurrency: int = 2, extra: list[str] | None = None) -> CeleryProcess:
    """A worker as the Procfile starts it (thread pool) unless told otherwise; not started yet."""
    name = name or f"test-{uuid.uuid4().hex[:10]}"
    args = ["-l", "info", "--pool", pool, "-n", f"{name}@%h", "--without-gossip", "--without-mingle"]
    if pool != "solo":
        args += ["--concurrency", str(concurrency)]
    if queues:
        args += ["-Q", ",".join(queues)]
    return CeleryProcess("worker", args + list(extra or []), env=env, log_path=log_path, ready_text=" ready.")


def beat(env: dict, log_path: Path) -> CeleryProcess:
    """Beat with its schedule file in the environment's CELERY_DATA_DIR; not started yet."""
    Path(env["CELERY_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    schedule = Path(env["CELERY_DATA_DIR"]) / "beat-schedule"
    return CeleryProcess("beat", ["-l", "info", "-s", str(schedule)], env=env, log_path=log_path,
                         ready_text="beat: Starting...")


def start(*processes: CeleryProcess, timeout: float = READY_TIMEOUT) -> None:
    """Start the processes together (each takes seconds to import Django) and wait until each is ready.
    If one fails to come up, all are stopped."""
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.wait_ready(timeout)
    except BaseException:
        for process in processes:
            process.stop()
        raise


def start_worker(env: dict, log_path: Path, *, ready_timeout: float = READY_TIMEOUT, **kwargs) -> CeleryProcess:
    """Start a worker and wait until it logged that it is ready (consuming)."""
    process = worker(env, log_path, **kwargs)
    start(process, timeout=ready_timeout)
    return process
