"""What every benchmark records about the machine and its load, and where the benchmark databases live.

Not a benchmark itself (make bench runs bench/*_bench.py only). Imported by the benchmarks, bench/run.py
(`make bench`) and bench/summary.py.
"""

import os
import platform
import subprocess
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROWS = 100_000  # applications of the HTTP and soak data set when BENCH_ROWS is not set


def results_dir():
    path = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))
    path = path if path.is_absolute() else ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def load():
    """The load average now (1, 5, 15 minutes), `uptime`'s own line and the time: recorded before and after
    every benchmark so that a run on a busy machine can be told from one on an idle machine."""
    try:
        line = subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        line = ""
    return {"loadavg": [round(x, 2) for x in os.getloadavg()], "uptime": line,
            "at": datetime.now().astimezone().isoformat(timespec="seconds")}


def machine():
    """Cores, CPU model, memory, Python: what a figure was measured on."""
    model, mem_kib = "", 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gib": round(mem_kib / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform(terse=True),
            "machine": platform.machine()}


def calibration(rounds: int = 3) -> dict:
    """How fast this machine is now, from two fixed pieces of work timed here (the best of `rounds`). Machines of
    the same kind differed twofold from one session to the next (docs/performance.md, fourth session); these
    two figures tell such machines apart when results taken on them are compared.

    `python_ms`: 2,000,000 integer additions in a pure-Python loop (the kind of work of the web processes).
    `fsync_ms`: 50 writes of 4 KiB, each followed by fsync, in the results folder (what a COMMIT waits for)."""
    python_ms = fsync_ms = float("inf")
    path = results_dir() / ".calibration"
    for _ in range(rounds):
        t0 = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        python_ms = min(python_ms, (time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        with open(path, "wb") as handle:
            for _ in range(50):
                handle.write(b"x" * 4096)
                handle.flush()
                os.fsync(handle.fileno())
        fsync_ms = min(fsync_ms, (time.perf_counter() - t0) * 1000)
    path.unlink(missing_ok=True)
    return {"python_ms": round(python_ms, 1), "fsync_ms": round(fsync_ms, 1)}


class Run:
    """`run = Run()` at the start of a benchmark; `run.stamp(result)` at the end adds the load before and
    after, the wall time, the machine and its calibration (taken at the start) to the result dict (under "load",
    "seconds_total" and "host")."""

    def __init__(self):
        self.before = load()
        self.calibration = calibration()
        self.t0 = time.perf_counter()

    def stamp(self, result):
        result["load"] = {"before": self.before, "after": load()}
        result["seconds_total"] = round(time.perf_counter() - self.t0, 1)
        result["host"] = {**machine(), "calibration": self.calibration}
        return result


# --- the benchmark databases (PostgreSQL) -----------------------------------------------------------------
def postgres_base(environ=os.environ):
    """The PostgreSQL URL the benchmark databases are named after: BENCH_DATABASE_URL, else DATABASE_URL when it
    is PostgreSQL; its database name with "_bench" appended unless it already contains "bench". "" without
    PostgreSQL. Benchmarks only drop and create databases derived from it (<base>_sweep, ...), never the base."""
    url = environ.get("BENCH_DATABASE_URL") or environ.get("DATABASE_URL") or ""
    if not url.startswith("postgres"):
        return ""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        name = f"{name or 'portal'}_bench"
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def derived(base, suffix):
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"{parts.path.rstrip('/')}_{suffix}", parts.query, ""))


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def redis_url(environ=os.environ):
    return environ.get("BENCH_REDIS_URL") or environ.get("REDIS_URL") or ""


def bench_rows(environ=os.environ):
    value = environ.get("BENCH_ROWS", "")
    return int(value.replace("_", "").replace(",", "")) if value.strip() else DEFAULT_ROWS


def _admin(url):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", ""))


def postgres_reachable(url):
    """None when the server answers, else the reason."""
    try:
        import psycopg

        with psycopg.connect(_admin(url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        return None
    except Exception as exc:  # noqa: BLE001  (any failure means: skip, and say why)
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


DATASET_MARK = "bench/generate.py"


def dataset_rows(url):
    """The number of applications of the complete data set bench/generate.py built in this database, or None
    (no such database, or nothing generated, or generation not finished). generate.py marks a finished database
    with a comment (COMMENT ON DATABASE: "bench/generate.py rows=N seed=S now=..."); a database built before
    that mark existed counts when its generated applications (reference BN...) are all there: generate.py
    writes them in one transaction."""
    import psycopg

    name = database_name(url)
    with psycopg.connect(_admin(url), autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [name]).fetchone()
    if row is None:
        return None
    comment = row[0] or ""
    if comment.startswith(DATASET_MARK):
        fields = dict(part.split("=", 1) for part in comment.split()[1:] if "=" in part)
        return int(fields["rows"]) if fields.get("rows", "").isdigit() else None
    with psycopg.connect(url.replace("postgresql://", "postgres://"), connect_timeout=5) as conn:
        exists = conn.execute("SELECT to_regclass('approvals_application') IS NOT NULL").fetchone()[0]
        if not exists:
            return None
        n = conn.execute("SELECT count(*) FROM approvals_application WHERE reference LIKE 'BN%%'").fetchone()[0]
        seeded = conn.execute("SELECT count(*) FROM portal_user WHERE username = 'b-leader'").fetchone()[0]
    return n if n and seeded else None


def dataset(explicit_url, rows, regenerate=False):
    """(database URL, info) of the generated data set the HTTP and soak benchmarks run against.

    explicit_url: that database; it is used as it is when it holds a finished data set (of `rows` rows when
    `rows` is given, else of any size), generated (dropped, created, filled) when it holds none. Without it,
    the base (postgres_base()) is used when it holds exactly `rows` applications, else <base>_<rows>, generated
    when it does not hold them yet. Returns (None, reason) without PostgreSQL."""
    import sys

    if explicit_url:
        url = explicit_url
    else:
        base = postgres_base()
        if not base:
            return None, "no PostgreSQL: set BENCH_DATABASE_URL or DATABASE_URL to postgres://..."
        reason = postgres_reachable(base)
        if reason:
            return None, f"PostgreSQL does not answer ({reason})"
        rows = rows or bench_rows()
        url = base if dataset_rows(base) == rows else derived(base, rows)
    if not url.startswith("postgres") or "bench" not in database_name(url):
        sys.exit(f"the data set's database must be PostgreSQL with 'bench' in its name, not {url!r}")
    reason = postgres_reachable(url)
    if reason:
        return None, f"PostgreSQL does not answer ({reason})"
    found = dataset_rows(url)
    info = {"database": database_name(url), "rows": found, "generated_now": False}
    if found is not None and not regenerate and (rows is None or rows == found):
        info["migrate_s"] = migrate(url)
        return url, info
    if found is not None and not regenerate and explicit_url:
        sys.exit(f"{database_name(url)} holds a data set of {found:,} applications, not {rows:,}: pass --rows "
                 f"{found} to use it, or --regenerate to build {rows:,} in its place")
    rows = rows or bench_rows()
    print(f"generating the data set: {rows:,} applications into {database_name(url)} (bench/generate.py)",
          flush=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--database-url", url, "--rows",
                    str(rows)], cwd=ROOT, check=True)
    info.update(rows=rows, generated_now=True, generate_s=round(time.perf_counter() - t0, 1))
    return url, info


def migrate(url) -> float:
    """Apply the code's migrations to a data set that an earlier version generated (a new column or index would
    otherwise be missing); seconds taken. Nothing to apply takes a second or two."""
    import sys

    t0 = time.perf_counter()
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("MIGRATION_DATABASE_URL", None)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "1"], cwd=ROOT,
                   env=env, check=True)
    return round(time.perf_counter() - t0, 1)


def generated_facts(rows):
    """What bench/generate.py recorded about the data set of `rows` applications (bench/data/generate-N.json)."""
    import json

    path = ROOT / "bench" / "data" / f"generate-{rows}.json"
    try:
        facts = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {k: facts.get(k) for k in ("rows", "now", "database", "counts", "seed_s", "copy_s", "database_bytes")}


def skip(reason):
    """A benchmark that cannot run here (no PostgreSQL, ...) says why and exits 0; bench/run.py lists it as
    skipped in SUMMARY.md."""
    import sys

    name = Path(sys.argv[0]).stem
    print(f"{name}: skipped: {reason}", flush=True)
    status = os.environ.get("BENCH_STATUS_FILE")
    if status:
        Path(status).write_text(f"skipped: {reason}\n", encoding="utf-8")
    sys.exit(0)


def note_result(path):
    """Tell bench/run.py which result file this run wrote."""
    status = os.environ.get("BENCH_STATUS_FILE")
    if status:
        with open(status, "a", encoding="utf-8") as handle:
            handle.write(f"result: {Path(path).name}\n")
