"""Time the supervision figures (approvals/metrics.py) and the dashboard's panels over many applications.

    .venv/bin/python bench/metrics_bench.py                       # 100,000 reviews, temporary SQLite file
    .venv/bin/python bench/metrics_bench.py --rows 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_metrics

Builds the sweep benchmark's data set (bench/sweep_bench.py: `--rows` item reviews, `--per-app` per
application, a small catalog) in a database of its own, then decides `--decided` of the applications (their
reviews signed on a spread of days, some late), loads the 2026 working-day calendar, adds ratings (one in
five bad, each with a rectification case) and times, `--repeat` times after a warm-up, each panel: all the
figures for one month, the same for one department, the department ranking, the monthly trend and the live
board. Prints median / max per panel and writes bench/results/metrics-<vendor>-<rows>.json (median, p95 and max
per panel; the load average before and after).
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common  # noqa: E402  (same folder)
import sweep_bench  # noqa: E402  (the data set and the database handling are the sweep benchmark's)


def parse_args():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--per-app", type=int, default=2)
    parser.add_argument("--departments", type=int, default=12)
    parser.add_argument("--decided", type=float, default=0.6, help="share of the applications decided")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def decide(share):
    """Applications 1..k decided over the 60 days before NOW; their reviews signed, one in four late."""
    from django.db import connection

    from approvals.models import Application

    n = Application.objects.filter(status="under_review").count()
    k = int(n * share)
    day_seconds = 86400
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE approvals_application SET status='decided', "
                "accepted_at = %s - make_interval(days => ((id %% 60) + 10)::int), "
                "decided_at = %s - make_interval(days => (id %% 60)::int) WHERE status='under_review' AND id <= %s",
                [sweep_bench.NOW, sweep_bench.NOW, k])
            cursor.execute(
                "UPDATE approvals_itemreview r SET status='signed', decided_at = a.decided_at, "
                "due_at = CASE WHEN r.id %% 4 = 0 THEN a.decided_at - interval '1 day' "
                "ELSE a.decided_at + interval '1 day' END, next_check_at = NULL "
                "FROM approvals_application a WHERE a.id = r.application_id AND a.status = 'decided' "
                "AND a.decided_at IS NOT NULL AND a.id <= %s", [k])
        else:
            now = sweep_bench.NOW.astimezone(sweep_bench.UTC).replace(tzinfo=None).isoformat(" ")
            cursor.execute(
                "UPDATE approvals_application SET status='decided', "
                "accepted_at = datetime(%s, '-' || ((id %% 60) + 10) || ' days'), "
                "decided_at = datetime(%s, '-' || (id %% 60) || ' days') WHERE status='under_review' AND id <= %s",
                [now, now, k])
            cursor.execute(
                "UPDATE approvals_itemreview SET status='signed', "
                "decided_at = (SELECT decided_at FROM approvals_application a WHERE a.id = application_id), "
                "due_at = (SELECT datetime(decided_at, CASE WHEN approvals_itemreview.id %% 4 = 0 THEN '-1 day' "
                "ELSE '+1 day' END) FROM approvals_application a WHERE a.id = application_id), "
                "next_check_at = NULL WHERE application_id <= %s", [k])
    _ = day_seconds
    return k, time.perf_counter() - t0


def rate(k, rng):
    """A bundle rating for every decided application; one in five bad, each with a rectification case."""
    from approvals.models import Application, Rating, RectificationCase

    levels = ["very_satisfied", "satisfied", "very_satisfied", "basically_satisfied", "dissatisfied"]
    apps = Application.objects.filter(status="decided").values_list("pk", "lead_department_id",
                                                                     "created_by_id", "decided_at")
    t0 = time.perf_counter()
    batch, cases = [], []
    for pk, department, rater, decided in apps.iterator(chunk_size=5000):
        batch.append(Rating(application_id=pk, department_id=department, rater_id=rater,
                            level=levels[pk % len(levels)], rated_at=decided + timedelta(hours=3)))
        if len(batch) >= 5000:
            Rating.objects.bulk_create(batch)
            batch = []
    Rating.objects.bulk_create(batch)
    for rating in Rating.objects.filter(level="dissatisfied").values_list("pk", "application_id",
                                                                           "department_id", "rated_at").iterator():
        pk, app, department, at = rating
        cases.append(RectificationCase(rating_id=pk, application_id=app, department_id=department, opened_at=at,
                                       callback_due_at=at + timedelta(days=1), due_at=at + timedelta(days=21),
                                       status="open" if pk % 3 else "called_back"))
        if len(cases) >= 5000:
            RectificationCase.objects.bulk_create(cases)
            cases = []
    RectificationCase.objects.bulk_create(cases)
    return Rating.objects.count(), time.perf_counter() - t0


def timed(fn, repeat):
    fn()  # warm up
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    runs.sort()
    p95 = runs[min(len(runs) - 1, int(0.95 * len(runs)))]  # nearest rank: the max for fewer than 20 runs
    return {"median_ms": round(statistics.median(runs) * 1000, 1), "p95_ms": round(p95 * 1000, 1),
            "max_ms": round(runs[-1] * 1000, 1), "runs": len(runs)}


def main():
    args = parse_args()
    url, scratch = sweep_bench.prepare_environment(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from approvals import metrics
    from approvals.calendar.seeding import load_from_chinesecalendar
    from approvals.models import Department

    rng = random.Random(args.seed)
    result = {}
    started = common.Run()
    try:
        call_command("migrate", verbosity=0, interactive=False)
        load_from_chinesecalendar(years=[2026])
        built = sweep_bench.build(argparse_like(args), rng)
        decided, decide_s = decide(args.decided)
        ratings, rate_s = rate(decided, rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"decided {decided:,} applications in {decide_s:.1f} s; {ratings:,} ratings in {rate_s:.1f} s")
        now = sweep_bench.NOW
        month = metrics.Filters(start=now - timedelta(days=30), end=now)
        department = Department.objects.order_by("pk").first()
        one_department = metrics.Filters(start=month.start, end=month.end, department=department.pk)
        panels = {
            "figures_month": lambda: metrics.figures(month, now=now),
            "figures_month_department": lambda: metrics.figures(one_department, now=now),
            "department_ranking": lambda: metrics.department_ranking(month, now=now),
            "trend_by_month": lambda: metrics.trend(metrics.Filters(start=now - timedelta(days=90), end=now)),
            "live_board": lambda: metrics.live_board(metrics.Filters(), now=now),
        }
        for name, compute in metrics.SECTIONS:  # each section of the figures on its own
            panels[f"section_{name}"] = (lambda compute=compute: compute(month, now))
        timings = {}
        for name, fn in panels.items():
            timings[name] = timed(fn, args.repeat)
            print(f"{name:28s} median {timings[name]['median_ms']:8.1f} ms   max {timings[name]['max_ms']:8.1f} ms")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
            version = cursor.fetchone()[0]
        from django.conf import settings
        from django.utils import timezone

        result = {"rows": args.rows, "vendor": connection.vendor, "database": f"{connection.vendor} {version}",
                  "broker": settings.CELERY_BROKER_URL.split("://")[0], "built": built, "decided": decided,
                  "ratings": ratings, "repeat": args.repeat, "panels": timings,
                  "load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
                  "at": timezone.localtime().isoformat(timespec="seconds")}
        started.stamp(result)
        import json

        path = common.results_dir() / f"metrics-{connection.vendor}-{args.rows}.json"
        path.write_text(json.dumps(result, indent=2, default=str) + "\n")
        common.note_result(path)
        print(f"wrote {path}")
    finally:
        if not args.keep:
            sweep_bench.drop_database(url, scratch)


def argparse_like(args):
    """The sweep benchmark's build() reads these attributes."""
    return args


if __name__ == "__main__":
    main()
