"""Where a sweep pass with crossings spends its time, statement by statement, and what it writes: on a database
that `bench/sweep_bench.py --keep` built (PostgreSQL only).

    .venv/bin/python bench/sweep_bench.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench_sweep \\
        --redis-url redis://127.0.0.1:6379/13 --keep
    .venv/bin/python bench/sweep_statements.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench_sweep \\
        --redis-url redis://127.0.0.1:6379/13 [--migrate] [--runs 3]

Each run deletes the firings, notifications and deliveries, puts `--crossings` reviews' next checks in the past
(as sweep_bench.py does), vacuums the tables the sweep writes, takes a CHECKPOINT (so that every run starts
alike: the first change of a page after a checkpoint writes the whole page to the WAL), then times one pass with
the time of each statement and of each commit, and the CPU time of the Python side. What the pass wrote is read
from the WAL (pg_walinspect, the records of this database's blocks only): heap inserts and updates (HOT or not),
B-tree index entries, row locks (the deferred foreign-key checks lock the rows
they find), full-page images and bytes. Those counts do not depend on the load of the machine; the times do.
`--migrate` applies the branch's migrations to the database first (to compare the indexes before and after on
the same data). Prints a table and writes the JSON to --out.
"""

import argparse
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def label(sql: str) -> str:
    """A statement's kind: its verb and table (and, for a SELECT, the table after FROM)."""
    text = " ".join(sql.split())
    verb = text.split(" ", 1)[0].upper()
    if verb == "SELECT":
        if text.startswith("SELECT EXISTS"):
            return "SELECT EXISTS (probe)"
        found = re.search(r'FROM "?(\w+)"?', text)
        locked = " FOR UPDATE" if "FOR UPDATE" in text else ""
        return f"SELECT {found.group(1) if found else '?'}{locked}"
    found = re.search(r'(?:INTO|UPDATE|FROM) "?(\w+)"?', text)
    return f"{verb} {found.group(1) if found else '?'}"


def wal_stats(cursor, start, end) -> dict:
    cursor.execute("SELECT resource_manager || '/' || record_type, count(*), sum(record_length), "
                   "count(*) FILTER (WHERE fpi_length > 0), sum(fpi_length) "
                   "FROM pg_get_wal_records_info(%s, %s) WHERE block_ref LIKE %s GROUP BY 1",
                   # The WAL is the cluster's: only the records of this database's blocks (other databases on the
                   # server write to it too).
                   [start, end, f"% rel %/{database_oid(cursor)}/%"])
    records = {name: {"count": count, "bytes": int(size), "fpi": fpi, "fpi_bytes": int(fpi_size)}
               for name, count, size, fpi, fpi_size in cursor.fetchall()}
    return {"bytes": sum(v["bytes"] + v["fpi_bytes"] for v in records.values()), "records": records}


def database_oid(cursor) -> int:
    cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
    return cursor.fetchone()[0]


def summarise_wal(wal) -> dict:
    r = wal["records"]

    def count(*names):
        return sum(v["count"] for k, v in r.items() if k in names)

    return {
        "wal_mb": round(wal["bytes"] / 1e6, 1),
        "full_page_images": sum(v["fpi"] for v in r.values()),
        "heap_inserts": count("Heap/INSERT", "Heap/INSERT+INIT", "Heap2/MULTI_INSERT", "Heap2/MULTI_INSERT+INIT"),
        "heap_updates": count("Heap/UPDATE", "Heap/UPDATE+INIT"),
        "heap_hot_updates": count("Heap/HOT_UPDATE", "Heap/HOT_UPDATE+INIT"),
        "row_locks": count("Heap/LOCK"),
        "btree_entries": count("Btree/INSERT_LEAF", "Btree/INSERT_UPPER", "Btree/INSERT_POST", "Btree/SPLIT_L",
                               "Btree/SPLIT_R", "Btree/DEDUP"),
        "btree_insert_leaf": count("Btree/INSERT_LEAF"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--crossings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--migrate", action="store_true")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    if "bench" not in urlsplit(args.database_url).path:
        sys.exit("the database's name must contain 'bench' (this script deletes its firings and notifications)")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.setdefault("CELERY_DATA_DIR", "/tmp/sweep-statements-celery")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ.setdefault("DEBUG", "false")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.backends.base import base as db_base

    import common
    import sweep_bench
    from approvals.models import ItemReview
    from approvals.services.deadlines import sweep

    stamp = common.Run()
    if args.migrate:
        started = time.perf_counter()
        call_command("migrate", verbosity=1, interactive=False)
        print(f"migrated in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
        cursor.execute("SELECT c.relname, count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                       "WHERE c.relname = ANY(%s) GROUP BY 1", [list(sweep_bench.WRITTEN_TABLES)])
        indexes = dict(cursor.fetchall())
    ids = sorted(random.Random(args.seed).sample(
        list(ItemReview.objects.filter(next_check_at__isnull=False).values_list("pk", flat=True)), args.crossings))

    timings = defaultdict(lambda: [0, 0.0])

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = timings[label(sql)]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    original_commit = db_base.BaseDatabaseWrapper._commit

    def timed_commit(self):
        started = time.perf_counter()
        try:
            return original_commit(self)
        finally:
            entry = timings["COMMIT"]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    runs = []
    for run in range(args.runs):
        sweep_bench.clear_outcomes()
        sweep_bench.set_crossings(ids)
        sweep_bench.settle()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            start_lsn = cursor.fetchone()[0]
        timings.clear()
        load = [round(x, 2) for x in os.getloadavg()]
        db_base.BaseDatabaseWrapper._commit = timed_commit
        try:
            with connection.execute_wrapper(wrapper):
                started, cpu = time.perf_counter(), time.process_time()
                report = sweep(now=sweep_bench.NOW, relay=False)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            db_base.BaseDatabaseWrapper._commit = original_commit
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            end_lsn = cursor.fetchone()[0]
            wal = wal_stats(cursor, start_lsn, end_lsn)
        statements = {name: {"count": n, "seconds": round(s, 3)}
                      for name, (n, s) in sorted(timings.items(), key=lambda kv: -kv[1][1])}
        runs.append({"seconds": round(elapsed, 3), "python_cpu_s": round(cpu, 3), "fired": dict(report.fired),
                     "digests": report.digests,
                     "load_average": load, "statements": statements, "written": summarise_wal(wal),
                     "wal": wal})
        print(f"\nrun {run + 1}: {elapsed:.2f} s ({cpu:.2f} s of CPU in this process), fired {dict(report.fired)}, "
              f"{report.digests} digests, load {load}")
        for name, entry in statements.items():
            print(f"  {name:<45} {entry['count']:>5} {entry['seconds']:>8.3f} s")
        print("  written:", json.dumps(runs[-1]["written"]))
    result = {"database": urlsplit(args.database_url).path.lstrip("/"), "crossings": args.crossings,
              "indexes": indexes, "runs": runs}
    stamp.stamp(result)
    print("indexes per table:", indexes)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
