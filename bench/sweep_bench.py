"""Time one pass of the deadline sweep over many open reviews, and show the query plans it uses.

    .venv/bin/python bench/sweep_bench.py                      # 100,000 open reviews, temporary SQLite file
    .venv/bin/python bench/sweep_bench.py --rows 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench \\
        --redis-url redis://127.0.0.1:6379/13                  # 1,000,000 on PostgreSQL, broker on Redis

The script builds a database of its own: a temporary SQLite file by default, or the PostgreSQL database named
in --database-url, which it drops and creates (its name must contain "bench") and drops again at the end
unless --keep. It migrates it, creates a small catalog (departments, items, chiefs, leaders, supervisors,
enterprises) with the ORM, then bulk-loads the open work with COPY (PostgreSQL) or executemany (SQLite):
`--rows` item reviews under review, `--per-app` per application, one open stage per application, plus a few
submitted and decided applications (acceptance and delivery clocks). Every clock is in the future. The tables are
then vacuumed and analysed (PostgreSQL; analysed on SQLite), as autovacuum leaves a live database.

Then, with `now` fixed (Wed 2026-06-10 10:00 Shanghai):
1. one sweep pass (`sweep(now=now, relay=False)`) with no crossings, `--repeat` times: median and spread;
   the candidate query of every clock is run and explained (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL,
   EXPLAIN QUERY PLAN on SQLite); each must use its partial index, never a sequential scan of the table;
2. `--crossings` reviews get their next check in the past (half yellow: warn_at passed; half red: warn_at and
   due_at passed, so they fire yellow and red); the candidate queries are explained again, the tables the pass
   writes are vacuumed and a CHECKPOINT taken (PostgreSQL, `settle()`: the state autovacuum and the checkpointer
   keep a live database in), then one pass fires them all (timed, with its query count) and a second pass fires
   nothing (timed). With `--crossing-repeat` > 1 (default 3) the firings and notifications are deleted, the
   crossings set again and the tables settled between runs; the median is the figure.

Notifications are published to a private broker: a throwaway filesystem queue (default) or --redis-url, which
must be a Redis database no worker consumes (its queue is deleted at the end): a worker of the real portal
must never receive delivery ids of this database. `--profile` runs the first crossing pass under cProfile.

Prints a summary and writes bench/results/sweep-<vendor>-<rows>.json ($BENCH_RESULTS_DIR).
Exit status 1 when a candidate query does not use its index.
"""

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (same folder)
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=SH)  # a Wednesday, no holiday near
REDIS_QUEUE = "celery"
MIN_ROWS_JUDGED = 1000  # plans of smaller tables are shown, not judged (a scan of a handful of rows is right)



def index_by_column():
    """(table, column) -> the name of the (partial) index that leads with that column, for every model:
    review_next_check, stage_next_check, app_acceptance_due_open, app_delivery_check, and any clock another
    app adds to the sweep."""
    from django.apps import apps

    found = {}
    for model in apps.get_models():
        for index in model._meta.indexes:
            first = index.fields[0].lstrip("-") if index.fields else None
            if first:
                found.setdefault((model._meta.db_table, model._meta.get_field(first).column), index.name)
    return found


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="open item reviews (default 100,000)")
    parser.add_argument("--crossings", type=int, default=10_000, help="reviews whose next check has come")
    parser.add_argument("--per-app", type=int, default=2, help="reviews per application (default 2)")
    parser.add_argument("--departments", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=7, help="passes timed with no crossings")
    parser.add_argument("--crossing-repeat", type=int, default=3, help="passes timed with crossings")
    parser.add_argument("--database-url", default="", help="postgres://.../<name with 'bench'> or sqlite:////path")
    parser.add_argument("--redis-url", default="", help="publish to this Redis database (no worker on it)")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--profile", action="store_true", help="cProfile the first crossing pass")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# --- the database of the benchmark ----------------------------------------------------------------------
def prepare_environment(args):
    """Environment for django.setup(): our database, a private broker. Returns (url, cleanup info)."""
    scratch = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    url = args.database_url or f"sqlite:///{scratch / 'portal.sqlite3'}"
    if url.startswith("postgres"):
        name = urlsplit(url).path.lstrip("/")
        if "bench" not in name:
            sys.exit(f"refusing to drop and create {name!r}: the benchmark database's name must contain 'bench'")
        recreate_postgres(url)
    elif url.startswith("sqlite"):
        path = Path(urlsplit(url).path[1:] if url.startswith("sqlite:////") else urlsplit(url).path)
        if args.database_url:
            if "bench" not in path.name:
                sys.exit(f"refusing to overwrite {path}: the benchmark database's name must contain 'bench'")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        sys.exit(f"unsupported database URL {url!r}")
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_DATA_DIR"] = str(scratch / "celery")
    os.environ["REDIS_URL"] = args.redis_url  # empty: filesystem transport in the scratch folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ.setdefault("DEBUG", "false")  # as in production: no query log, no debug cursor
    return url, scratch


def _maintenance_url(url):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", "")), \
        parts.path.lstrip("/")


def recreate_postgres(url):
    import psycopg

    admin, name = _maintenance_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url, scratch):
    from django.db import connections

    connections.close_all()
    if url.startswith("postgres"):
        import psycopg

        admin, name = _maintenance_url(url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    elif url.startswith("sqlite") and not url.startswith(f"sqlite:///{scratch}"):
        path = Path(urlsplit(url).path[1:] if url.startswith("sqlite:////") else urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(scratch, ignore_errors=True)


# --- bulk loading ---------------------------------------------------------------------------------------
class Loader:
    """Insert many rows of a model without instantiating it: COPY on PostgreSQL, executemany on SQLite.

    `constant` gives the values shared by every row (attnames), each row gives the varying ones; any other
    column gets the field's default ('' for blank text, NULL for nullable). Constants go through the field's
    get_db_prep_save; varying dates are converted as the backend's adapter does (UTC text on SQLite).
    """

    CHUNK = 5000

    def __init__(self, connection):
        self.connection = connection

    def insert(self, model, constant, varying, rows):
        from django.db import models as m

        fields = model._meta.concrete_fields
        consts = {}
        for f in fields:
            if f.attname in varying:
                continue
            if f.attname in constant:
                value = constant[f.attname]
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif isinstance(f, (m.CharField, m.TextField)) and f.blank:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.attname} needs a value")
            consts[f.attname] = self._prep(f, value)
        columns = [f.column for f in fields]
        getters = []
        for f in fields:
            if f.attname in varying:
                getters.append((f.attname, self._converter(f), None))
            else:
                getters.append((None, None, consts[f.attname]))
        table = model._meta.db_table
        count = 0
        quoted = ", ".join(f'"{c}"' for c in columns)
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor, cursor.cursor.copy(
                    f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(self._tuple(getters, row))
                    count += 1
        else:
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
            chunk = []
            with self.connection.cursor() as cursor:
                for row in rows:
                    chunk.append(self._tuple(getters, row))
                    if len(chunk) >= self.CHUNK:
                        cursor.executemany(sql, chunk)
                        count += len(chunk)
                        chunk = []
                if chunk:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
        return count

    def _prep(self, f, value):
        from django.db import models as m

        if isinstance(f, m.JSONField):
            return json.dumps(value)  # text for both (jsonb parses it in COPY)
        return f.get_db_prep_save(value, self.connection)

    def _converter(self, f):
        """A fast equivalent of get_db_prep_save for the varying columns (dates, ids, text)."""
        from django.db import models as m

        if isinstance(f, m.DateTimeField):
            if self.connection.vendor == "postgresql":
                return None  # psycopg sends aware datetimes as they are
            return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
        if isinstance(f, (m.IntegerField, m.ForeignKey, m.CharField, m.TextField)) and \
                not isinstance(f, m.JSONField):
            return None
        return lambda v: self._prep(f, v)

    def _tuple(self, getters, row):
        return tuple((row[name] if convert is None else convert(row[name])) if name is not None else const
                     for name, convert, const in getters)


def build(args, rng):
    """The catalog with the ORM, the open work in bulk. Returns a description of what was built."""
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from approvals.models import (
        Application, ApplicationStage, ApplicationStatus, Department, ItemReview, ReviewStatus, ServiceItem,
        StaffAssignment, StageStatus,
    )
    from portal.credit_code import check_character
    from portal.models import Enterprise, Role, User

    unusable = make_password(None)
    t0 = time.perf_counter()
    with transaction.atomic():
        departments = [Department.objects.create(code=f"bench-{i:02d}", name=f"基准部门{i}",
                                                 approval_section=f"基准部门{i}行政审批科")
                       for i in range(args.departments)]
        leaders = [User.objects.create(username=f"leader{i}", role=Role.LEADER, full_name=f"领导{i}",
                                       email=f"leader{i}@bench.example", password=unusable) for i in range(3)]
        for i, department in enumerate(departments):
            if i % 2 == 0:  # half the departments name their leader, the others escalate to every leader
                department.leader = leaders[i % len(leaders)]
                department.save(update_fields=["leader"])
            for role, count in ((Role.CHIEF, 1), (Role.STAFF, 2), (Role.CLERK, 1)):
                for j in range(count):
                    user = User.objects.create(username=f"{role}{i}-{j}", role=role, full_name=f"{role}{i}-{j}",
                                               email=f"{role}{i}-{j}@bench.example", password=unusable)
                    StaffAssignment.objects.create(user=user, department=department)
        for i in range(2):
            User.objects.create(username=f"supervisor{i}", role=Role.SUPERVISOR, full_name=f"督办{i}",
                                email=f"supervisor{i}@bench.example", password=unusable)
        items = []
        for i, department in enumerate(departments):
            for j in range(2):
                items.append(ServiceItem.objects.create(code=f"B-{i:02d}-{j}", name=f"基准事项{i}-{j}",
                                                        department=department, legal_limit_days=20,
                                                        promised_limit_days=5 + j * 5))
        enterprises, applicants = [], []
        for i in range(50):
            body = f"91500112{900000000 + i:09d}"
            enterprise = Enterprise.objects.create(name=f"基准企业{i}有限公司", credit_code=body + check_character(body),
                                                   legal_representative="张三")
            enterprises.append(enterprise)
            applicants.append(User.objects.create(username=f"applicant{i}", role=Role.APPLICANT,
                                                  enterprise=enterprise, email=f"applicant{i}@bench.example",
                                                  password=unusable))
    catalog_s = time.perf_counter() - t0
    if args.per_app > len(items):
        sys.exit(f"--per-app {args.per_app} is more than the {len(items)} items of the catalog")

    loader = Loader(connection)
    n_reviews = args.rows
    n_review_apps = -(-n_reviews // args.per_app)
    n_submitted = max(1, n_reviews // 200)
    n_decided = max(1, n_reviews // 200)
    n_apps = n_review_apps + n_submitted + n_decided
    hour, day = timedelta(hours=1), timedelta(days=1)

    def app_rows():
        for pk in range(1, n_apps + 1):
            e = pk % len(enterprises)
            first_item = items[(pk - 1) * args.per_app % len(items)]
            received = NOW - timedelta(minutes=rng.randrange(60, 60 * 24 * 20))
            row = {"id": pk, "reference": f"BENCH{pk:010d}", "enterprise_id": enterprises[e].pk,
                   "created_by_id": applicants[e].pk, "lead_department_id": first_item.department_id,
                   "created_at": received - day, "updated_at": received, "submitted_at": received,
                   "received_at": received, "status": ApplicationStatus.UNDER_REVIEW,
                   "acceptance_due_at": None, "accepted_at": received + hour, "decided_at": None,
                   "delivery_due_at": None, "delivery_check_at": None}
            if pk > n_review_apps + n_submitted:  # decided, the Art. 44 delivery clock running
                due = NOW + timedelta(minutes=rng.randrange(60, 60 * 24 * 14))
                row.update(status=ApplicationStatus.DECIDED, decided_at=NOW - hour, delivery_due_at=due,
                           delivery_check_at=due)
            elif pk > n_review_apps:  # submitted, the Art. 32 acceptance clock running
                row.update(status=ApplicationStatus.SUBMITTED, accepted_at=None,
                           acceptance_due_at=NOW + timedelta(minutes=rng.randrange(60, 60 * 24 * 7)))
            yield row

    def stage_rows():
        for pk in range(1, n_review_apps + 1):
            first_item = items[(pk - 1) * args.per_app % len(items)]
            warn = NOW + timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
            yield {"id": pk, "application_id": pk, "lead_department_id": first_item.department_id,
                   "opened_at": NOW - 5 * day, "warn_at": warn, "due_at": warn + day, "next_check_at": warn}

    def review_rows():
        for pk in range(1, n_reviews + 1):
            app = (pk - 1) // args.per_app + 1
            item = items[((app - 1) * args.per_app + (pk - 1) % args.per_app) % len(items)]
            warn = NOW + timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
            yield {"id": pk, "application_id": app, "stage_id": app, "item_id": item.pk,
                   "department_id": item.department_id, "started_at": NOW - 5 * day, "warn_at": warn,
                   "due_at": warn + day, "legal_due_at": warn + 30 * day, "next_check_at": warn}

    t0 = time.perf_counter()
    counts = {}
    with transaction.atomic():
        counts["applications"] = loader.insert(
            Application, {"title": "基准申请", "form_data": {}},
            {"id", "reference", "enterprise_id", "created_by_id", "lead_department_id", "created_at",
             "updated_at", "submitted_at", "received_at", "status", "acceptance_due_at", "accepted_at",
             "decided_at", "delivery_due_at", "delivery_check_at"}, app_rows())
        counts["stages"] = loader.insert(
            ApplicationStage, {"order": 1, "name": "联合审查", "promised_limit_days": 10, "status": StageStatus.OPEN},
            {"id", "application_id", "lead_department_id", "opened_at", "warn_at", "due_at", "next_check_at"},
            stage_rows())
        counts["reviews"] = loader.insert(
            ItemReview, {"status": ReviewStatus.UNDER_REVIEW, "limit_days": 10, "legal_limit_days": 45},
            {"id", "application_id", "stage_id", "item_id", "department_id", "started_at", "warn_at", "due_at",
             "legal_due_at", "next_check_at"}, review_rows())
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Application, ApplicationStage, ItemReview]):
                cursor.execute(sql)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    # As autovacuum leaves a live database: statistics, and (PostgreSQL) the hint bits and visibility map of the
    # freshly copied rows set, so the timed pass does not pay for writing every page it touches the first time.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    analyze_s = time.perf_counter() - t0
    counts.update(submitted_applications=n_submitted, decided_applications=n_decided,
                  departments=len(departments), items=len(items), users=User.objects.count())
    print(f"built {counts['reviews']:,} open reviews in {n_review_apps:,} applications "
          f"({counts['stages']:,} open stages), {n_submitted:,} submitted and {n_decided:,} decided applications; "
          f"catalog {catalog_s:.1f} s, bulk load {load_s:.1f} s ({counts['reviews'] / load_s:,.0f} reviews/s), "
          f"{'VACUUM ' if connection.vendor == 'postgresql' else ''}ANALYZE {analyze_s:.1f} s")
    return {"counts": counts, "catalog_s": round(catalog_s, 2), "load_s": round(load_s, 2),
            "analyze_s": round(analyze_s, 2)}


# --- crossings ------------------------------------------------------------------------------------------
def set_crossings(ids):
    """Half the ids cross yellow (warn_at passed), half red too (warn_at and due_at passed)."""
    from django.db import transaction

    from approvals.models import ItemReview

    half = len(ids) // 2
    groups = [(ids[:half], {"warn_at": NOW - timedelta(minutes=30), "next_check_at": NOW - timedelta(minutes=30),
                            "due_at": NOW + timedelta(hours=5)}),
              (ids[half:], {"warn_at": NOW - timedelta(days=1), "next_check_at": NOW - timedelta(days=1),
                            "due_at": NOW - timedelta(minutes=10)})]
    with transaction.atomic():
        for group, values in groups:
            for i in range(0, len(group), 1000):
                ItemReview.objects.filter(pk__in=group[i:i + 1000]).update(**values)


# The tables a pass with crossings writes.
WRITTEN_TABLES = ("approvals_itemreview", "approvals_deadlinefiring", "approvals_digestline", "portal_notification",
                  "portal_delivery")


def settle():
    """PostgreSQL: vacuum and analyse the tables a pass writes and take a CHECKPOINT, so that a timed pass meets
    the state a live database is in, not the aftermath of this script's own writes.

    Without it the first pass after `set_crossings` paid for the bench's setup: it set the hint bits of the
    10,000 rows just rewritten and, with the bulk load's WAL still being checkpointed, waited seconds on its
    commits (on 30 November: 11.6 s, 8.7 s of it in the eleven COMMITs, against 2.7-2.9 s settled). On a live
    database autovacuum and the checkpointer have long done that work."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in WRITTEN_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("CHECKPOINT")


def clear_outcomes():
    from django.db import transaction

    from approvals.models import DeadlineFiring
    from portal.models import Delivery, Notification

    with transaction.atomic():
        Delivery.objects.all().delete()
        Notification.objects.all().delete()
        DeadlineFiring.objects.all().delete()


def outcome_counts():
    from approvals.models import DeadlineFiring
    from portal.models import Delivery, Notification

    return {"firings": DeadlineFiring.objects.count(), "notifications": Notification.objects.count(),
            "deliveries": Delivery.objects.count()}


# --- timing ---------------------------------------------------------------------------------------------
class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_pass(profile=None):
    from django.db import connection

    from approvals.services.deadlines import sweep

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        if profile is not None:
            report = profile.runcall(sweep, now=NOW, relay=False)
        else:
            report = sweep(now=NOW, relay=False)
        elapsed = time.perf_counter() - start
    return elapsed, report, counter.count


def spread(values):
    return {"median_ms": round(statistics.median(values) * 1000, 2), "min_ms": round(min(values) * 1000, 2),
            "max_ms": round(max(values) * 1000, 2), "runs": len(values)}


# --- plans ----------------------------------------------------------------------------------------------
def candidate_queries():
    """The candidate query of every clock (the ids due, earliest first: what a pass runs for a clock the probe
    finds due) and the digest's waiting lines, as executed SQL. A pass with nothing due runs only its probe,
    one `SELECT EXISTS(...), ...` of these."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from approvals.notices import digest
    from approvals.services import deadlines

    with CaptureQueriesContext(connection) as captured:
        for queryset in deadlines.candidate_queries(NOW):
            list(queryset)
        list(digest.waiting().order_by("recipient_id").values_list("recipient_id", flat=True).distinct()[:500])
    return [q["sql"] for q in captured.captured_queries]


def expected_index(sql):
    """The index a candidate query should use: the one on its ORDER BY column, or (for `ORDER BY 1`, e.g. the
    digest's pending people) on a column it selects."""
    order = re.search(r"ORDER BY (.+?)(?: LIMIT|$)", sql, re.S)
    for text in ([order.group(1)] if order else []) + [sql]:
        for (table, column), index in index_by_column().items():
            if f'"{table}"."{column}"' in text:
                return table, index
    return None, None


def explain(sql):
    from django.db import connection

    table, index = expected_index(sql)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
            full_scan = any(re.search(rf"Seq Scan on {table}\b", line) for line in lines)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            lines = [row[-1] for row in cursor.fetchall()]
            full_scan = any(re.fullmatch(rf"SCAN {table}", line.strip()) for line in lines)
        rows = None
        if table:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            rows = cursor.fetchone()[0]
    text = "\n".join(lines)
    uses_index = index is not None and re.search(rf"\b{index}\b", text) is not None
    # A table this benchmark leaves (nearly) empty, e.g. another app's clocks, is rightly scanned: not judged.
    judged = rows is None or rows >= MIN_ROWS_JUDGED
    return {"table": table, "rows": rows, "expected_index": index, "uses_index": uses_index,
            "full_scan": full_scan, "judged": judged, "ok": (uses_index and not full_scan) if judged else None,
            "sql": sql, "plan": text}


def show_plans(label, plans):
    print(f"\n-- query plans, {label}")
    for plan in plans:
        verdict = {True: "OK", False: "NOT USING ITS INDEX", None: f"not judged: {plan['rows']} rows"}[plan["ok"]]
        print(f"[{verdict}] {plan['table']} -> {plan['expected_index']}")
        for line in plan["plan"].splitlines():
            print(f"    {line}")


# --- main -----------------------------------------------------------------------------------------------
def main():
    args = parse_args()
    url, scratch = prepare_environment(args)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from approvals.models import ItemReview

    rng = random.Random(args.seed)
    vendor = connection.vendor
    load_start = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews the numbers
    started = common.Run()
    result = None
    try:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version" if vendor == "postgresql" else "SELECT sqlite_version()")
            version = cursor.fetchone()[0]
        print(f"database: {vendor} {version} ({url}); broker: {settings.CELERY_BROKER_URL.split('://')[0]}; "
              f"migrated in {migrate_s:.1f} s")
        built = build(args, rng)

        # 1. no crossings
        timed_pass()  # warm up: connection, translations, URL resolver, Celery app
        quiet = []
        for _ in range(args.repeat):
            elapsed, report, queries = timed_pass()
            assert report.total == 0, report
            quiet.append(elapsed)
        quiet_queries = queries
        print(f"\none pass, no crossings: median {statistics.median(quiet) * 1000:.2f} ms "
              f"(min {min(quiet) * 1000:.2f}, max {max(quiet) * 1000:.2f}; {args.repeat} runs, "
              f"{quiet_queries} queries)")
        sqls = candidate_queries()
        plans_quiet = [explain(sql) for sql in sqls]
        show_plans("no crossings", plans_quiet)

        # 2. crossings
        sample = rng.sample(range(1, built["counts"]["reviews"] + 1), min(args.crossings + 20, args.rows))
        ids, warm = sorted(sample[20:]), sorted(sample[:20])
        # Warm up the firing path as a running worker has it (URL resolver, translations, broker
        # connection), on 20 other reviews; their firings are deleted again and they stay out of the way.
        set_crossings(warm)
        timed_pass()
        clear_outcomes()
        set_crossings(ids)
        plans_due = [explain(sql) for sql in sqls]
        show_plans(f"{len(ids):,} reviews due", plans_due)
        crossing_runs, profile_text = [], None
        for run in range(args.crossing_repeat):
            if run:
                clear_outcomes()
                set_crossings(ids)
            settle()
            profile = cProfile.Profile() if args.profile and run == 0 else None
            elapsed, report, queries = timed_pass(profile)
            counts = outcome_counts()
            crossing_runs.append({"seconds": round(elapsed, 3), "queries": queries, "fired": dict(report.fired),
                                  "failed": report.failed, **counts})
            print(f"\none pass, {len(ids):,} crossings: {elapsed:.2f} s ({len(ids) / elapsed:,.0f} reviews/s, "
                  f"{queries / len(ids):.1f} queries per review); fired {dict(report.fired)}, "
                  f"{counts['notifications']:,} notifications, {counts['deliveries']:,} deliveries, "
                  f"{report.failed} failed")
            if profile is not None:
                out = io.StringIO()
                stats = pstats.Stats(profile, stream=out).strip_dirs()
                stats.sort_stats("cumulative").print_stats(35)
                stats.sort_stats("tottime").print_stats(20)
                stats.print_callees("check_review|_tell_review|notify|^fire$")
                profile_text = out.getvalue()
                print(profile_text)
        remaining = ItemReview.objects.filter(next_check_at__lte=NOW).count()
        elapsed, report, queries = timed_pass()
        print(f"second pass: {elapsed * 1000:.2f} ms, fired {report.total}, {queries} queries; "
              f"{remaining} reviews still due")
        after = {"seconds": round(elapsed, 4), "fired": report.total, "queries": queries}

        seconds = [r["seconds"] for r in crossing_runs]
        result = {
            "rows": args.rows,
            "crossings": len(ids),
            "per_app": args.per_app,
            "seed": args.seed,
            "now": NOW.isoformat(),
            "database": f"{vendor} {version}",
            "broker": settings.CELERY_BROKER_URL.split("://")[0],
            "built": built,
            "no_crossings": {**spread(quiet), "queries": quiet_queries},
            "with_crossings": {
                "median_s": round(statistics.median(seconds), 3), "min_s": min(seconds), "max_s": max(seconds),
                "reviews_per_s": round(len(ids) / statistics.median(seconds)),
                "queries_per_review": round(crossing_runs[0]["queries"] / len(ids), 2),
                "runs": crossing_runs,
            },
            "second_pass": after,
            "settled": vendor == "postgresql",
            "plans_ok": all(p["ok"] is not False for p in plans_quiet + plans_due),
            "plans": {"no_crossings": plans_quiet, "with_crossings": plans_due},
            "profile": profile_text,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "load_average": {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]},
            "at": datetime.now(SH).isoformat(timespec="seconds"),
        }
        started.stamp(result)
        path = common.results_dir() / f"sweep-{vendor}-{args.rows}.json"
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        common.note_result(path)
        print(f"\nwrote {path}")
        if not result["plans_ok"]:
            print("PLAN CHECK FAILED: a candidate query does not use its partial index", file=sys.stderr)
    finally:
        if args.redis_url:
            from celery import current_app

            with current_app.connection_for_write() as conn:
                conn.default_channel.client.delete(REDIS_QUEUE)
        if args.keep:
            print(f"kept the database: DATABASE_URL={url}")
        else:
            drop_database(url, scratch)
    sys.exit(0 if result and result["plans_ok"] else 1)


if __name__ == "__main__":
    main()
