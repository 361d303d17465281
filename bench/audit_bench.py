"""Time appending to the hash-chained audit log and verifying it.

    .venv/bin/python bench/audit_bench.py [--n 20000] [--seed 2026]
    .venv/bin/python bench/audit_bench.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench_audit

Appends --n entries through `portal.services.audit.record` (one transaction each, as a request would, so each
takes the chain's lock), then walks the whole table the way `manage.py verify_audit` does. The table only grows
(it is append-only), so the benchmark uses a database of its own: a temporary SQLite file by default, or the
PostgreSQL database named in --database-url, which it drops, creates and migrates (its name must contain
"bench") and drops again at the end. Writes bench/results/audit.json (with the load average before and after).
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (same folder)
import sweep_bench  # noqa: E402  (its database handling)

EVENTS = ["application.submitted", "application.accepted", "review.opinion", "application.signed", "login",
          "permission.denied", "document.downloaded"]


def verify_all():
    from django.conf import settings

    from portal import audit_chain
    from portal.models import AuditEntry

    rows = AuditEntry.objects.order_by("id").values("id", *audit_chain.FIELDS, "prev_hash", "hash")
    return audit_chain.first_broken(rows.iterator(chunk_size=2000),
                                    tolerance=timedelta(seconds=settings.AUDIT_CLOCK_TOLERANCE_SECONDS))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="", help="postgres://.../<name with 'bench'> (default: SQLite)")
    args = parser.parse_args()
    args.redis_url = ""  # the audit log publishes nothing
    url, scratch = sweep_bench.prepare_environment(args)
    import django

    django.setup()
    try:
        run(args)
    finally:
        sweep_bench.drop_database(url, scratch)


def run(args):
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from portal.services import audit

    call_command("migrate", verbosity=0, interactive=False)
    started = common.Run()
    rng = random.Random(args.seed)

    request = type("Request", (), {"META": {"REMOTE_ADDR": "198.51.100.1"}})()
    batch = max(args.n // 10, 1)
    per_call = []
    for start in range(0, args.n, batch):
        size = min(batch, args.n - start)
        began = time.perf_counter()
        for n in range(start, start + size):
            audit.record(rng.choice(EVENTS), summary=f"bench {n}", request=request,
                         data={"application": rng.randint(1, 10**6), "n": n, "ratio": rng.random()})
        per_call.append((time.perf_counter() - began) / size * 1e6)
    print(f"record(): median {statistics.median(per_call):.1f} µs/entry over {args.n:,} appends "
          f"(spread {min(per_call):.1f}–{max(per_call):.1f} µs)")

    walks = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        checked, broken = verify_all()
        walks.append(time.perf_counter() - began)
        assert broken is None, broken
    rows_per_s = checked / statistics.median(walks)
    print(f"verify: {checked:,} entries in a median {statistics.median(walks):.2f} s ({rows_per_s:,.0f} entries/s)")

    result = {
        "n_appended": args.n, "entries_verified": checked, "seed": args.seed,
        "us_per_record": round(statistics.median(per_call), 1),
        "verify_seconds": round(statistics.median(walks), 3), "verify_entries_per_s": round(rows_per_s),
        "database": f"{connection.vendor} {'.'.join(map(str, connection.get_database_version()))}"
        if hasattr(connection, "get_database_version") else connection.vendor,
        "python": platform.python_version(), "machine": platform.machine(),
        "at": timezone.localtime().isoformat(timespec="seconds"),
    }
    started.stamp(result)
    out = common.results_dir() / "audit.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    common.note_result(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
