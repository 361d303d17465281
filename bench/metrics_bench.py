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

On a data set of bench/generate.py (the scale the issue names: each panel and the metrics API p95 under 300 ms at
1,000,000 applications):

    .venv/bin/python bench/generate.py --database-url postgres://postgres@127.0.0.1:5432/portal_x_bench --rows 100000
    .venv/bin/python bench/metrics_bench.py --generated \
        --database-url postgres://postgres@127.0.0.1:5432/portal_x_bench

migrates it, rebuilds the aggregate tables (timed, then an incremental refresh, timed), measures the floor (one
indexed row) and `--repeat` runs of every panel and of GET /api/v1/metrics/ (through the view), and prints the
median and p95 of each against `--target-ms` (300) and the floor. Writes
bench/results/metrics-generated-<vendor>-<applications>.json with the load average before and after.
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
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--generated", action="store_true",
                        help="--database-url holds a data set of bench/generate.py: migrate it, refresh the "
                             "aggregate tables and time the panels there (nothing built, nothing dropped)")
    parser.add_argument("--target-ms", type=float, default=300.0, help="the p95 each panel must stay under")
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
    p95 = runs[min(len(runs) - 1, max(0, -(-len(runs) * 95 // 100) - 1))]  # nearest rank
    return {"median_ms": round(statistics.median(runs) * 1000, 1), "p95_ms": round(p95 * 1000, 1),
            "max_ms": round(max(runs) * 1000, 1), "runs": len(runs)}


def metrics_api_call(params):
    """GET /api/v1/metrics/ through the view (routing, filters, figures, serializer), as a supervisor."""
    from rest_framework.test import APIRequestFactory, force_authenticate

    from approvals.api.ratings import MetricsView
    from portal.models import User

    user = User.objects.filter(role="supervisor").first() or User(username="bench-supervisor", role="supervisor")
    view = MetricsView.as_view()
    factory = APIRequestFactory()

    def call():
        request = factory.get("/api/v1/metrics/", params)
        force_authenticate(request, user=user)
        response = view(request)
        response.render()
        assert response.status_code == 200, response.content[:300]
        return response

    return call


def panels_of(now):
    """Every panel of the dashboard and the metrics API, on whole days (so the aggregate tables can answer)."""
    from datetime import datetime
    from datetime import time as clock

    from django.utils import timezone

    from agents.metrics import san_ji_figures
    from approvals import metrics
    from approvals.models import Department

    today = timezone.make_aware(datetime.combine(timezone.localdate(now), clock.min))
    month = metrics.Filters(start=today - timedelta(days=30), end=today)
    department = Department.objects.order_by("pk").first()
    one_department = metrics.Filters(start=month.start, end=month.end, department=department.pk)
    panels = {
        "figures_month": lambda: metrics.figures(month, now=now),
        "figures_month_department": lambda: metrics.figures(one_department, now=now),
        "figures_all_time": lambda: metrics.figures(metrics.Filters(), now=now),
        "department_ranking": lambda: metrics.department_ranking(month, now=now),
        "trend_by_month": lambda: metrics.trend(metrics.Filters(start=today - timedelta(days=365), end=today)),
        "trend_by_week": lambda: metrics.trend(metrics.Filters(start=today - timedelta(days=90), end=today),
                                               unit="week"),
        "live_board": lambda: metrics.live_board(metrics.Filters(), now=now),
        "package_savings": lambda: metrics.package_savings(month),
        "san_ji": lambda: san_ji_figures(month, now),
        "metrics_api_month": metrics_api_call({"from": str(month.start.date()), "to": str(month.end.date())}),
        "metrics_api_department": metrics_api_call({"from": str(month.start.date()), "to": str(month.end.date()),
                                                    "department": department.pk}),
    }
    for name, compute in metrics.SECTIONS:  # each section of the figures on its own
        panels[f"section_{name}"] = (lambda compute=compute: compute(month, now))
    return panels


def floor_query():
    """The floor, measured in the same run: one indexed single-row query (the cheapest thing a panel does)."""
    from approvals.models import Department

    return lambda: Department.objects.order_by("pk").first()


def run_generated(args):
    """Time the panels on a data set of bench/generate.py (e.g. 100,000 or 1,000,000 applications)."""
    os.environ["DATABASE_URL"] = args.database_url
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ.setdefault("DEBUG", "false")  # as in production: no query log, no debug cursor
    import json

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from approvals import aggregates
    from approvals.models import Application

    assert "bench" in connection.settings_dict["NAME"], "--generated takes a bench database only"
    call_command("migrate", verbosity=0, interactive=False)
    started = common.Run()
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    full = aggregates.refresh(full=True)
    full_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    incremental = aggregates.refresh()
    incremental_s = time.perf_counter() - t0
    print(f"aggregates: full rebuild {full_s:.1f} s ({full.rows:,} rows, {full.first_day}..{full.last_day}); "
          f"incremental {incremental_s:.1f} s ({incremental.first_day}..{incremental.last_day})")
    now = timezone.now()
    floor = timed(floor_query(), args.repeat)
    print(f"{'floor (one indexed row)':28s} p95 {floor['p95_ms']:8.1f} ms")
    timings, failed = {}, []
    for name, fn in panels_of(now).items():
        timings[name] = timed(fn, args.repeat)
        p95 = timings[name]["p95_ms"]
        ok = p95 < args.target_ms
        failed += [] if ok else [name]
        print(f"{name:28s} median {timings[name]['median_ms']:8.1f} ms   p95 {p95:8.1f} ms   "
              f"{p95 / max(floor['p95_ms'], 0.01):7.0f}x floor   {'ok' if ok else 'OVER ' + str(args.target_ms)}")
    rows = Application.objects.count()
    result = {"applications": rows, "vendor": connection.vendor, "target_ms": args.target_ms,
              "aggregates": {"full_s": round(full_s, 1), "incremental_s": round(incremental_s, 1),
                             "rows": full.rows},
              "floor": floor, "panels": timings, "over_target": failed, "repeat": args.repeat,
              "load_average_before": [round(x, 2) for x in load_before],
              "load_average_after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
              "at": timezone.localtime().isoformat(timespec="seconds")}
    started.stamp(result)
    out = Path(os.environ.get("BENCH_RESULTS_DIR", "bench/results"))
    out.mkdir(parents=True, exist_ok=True)
    (out / f"metrics-generated-{connection.vendor}-{rows}.json").write_text(json.dumps(result, indent=2,
                                                                                       default=str))
    print(f"load average before {result['load_average_before']}, after {result['load_average_after']}; "
          f"over {args.target_ms} ms: {failed or 'none'}")


def main():
    args = parse_args()
    if args.generated:
        return run_generated(args)
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
