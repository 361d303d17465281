"""Build a district's history for the benchmarks: applications over two years, by COPY, in bounded memory.

    .venv/bin/python bench/generate.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench
    .venv/bin/python bench/generate.py --database-url ... --rows 100000      # a tenth of a district-decade

The database named in --database-url (its name must contain "bench") is dropped, created and migrated; the
demo district is seeded through `seed_demo` (catalog, packages, accounts, calendar, seals), then departments are
added up to --departments, each with a chief (TOTP), two staff, a window clerk and two items of its own.
Then, streamed to PostgreSQL with COPY (psycopg 3 `cursor.copy`, rows generated one at a time, never held in a
list), over the two years before `--now` (default: the current hour):

- `--rows` applications (default 1,000,000) of 2,000 enterprises, 1-5 items each (about 3 per application):
  old ones decided, delivered or closed (a few withdrawn or not accepted), recent ones in every state —
  submitted with the acceptance clock green, yellow or red, under review, decided with the delivery clock;
- one stage and one review per item (about 3,000,000 reviews): signed or cancelled when done, and while open
  green, yellow or red, paused (suspended, with its open pause), extended once, or decided and waiting for
  the signature;
- a deadline firing for every open review past its warning or due time, and some history;
- material metadata (two files per application, no bodies), timeline events (created, submitted, accepted,
  decided), one notification to the applicant per decided application, and the park's demands (one per 50
  applications) in every state.

Sequences are reset and the database ANALYZEd, then marked as finished (COMMENT ON DATABASE "bench/generate.py
rows=N seed=S now=..."; the HTTP and soak benchmarks re-use a database with the mark of the size they want).
Writes bench/data/generate-<rows>.json (what was built, in which database, how long it took, the accounts to log
in with) and prints a summary. Memory stays flat: one row at a time per COPY.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sweep_bench import drop_database, recreate_postgres  # noqa: E402  (same folder)

DATA = ROOT / "bench" / "data"
PASSWORD = "bench-pass-2026"
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://.../<name containing 'bench'>")
    parser.add_argument("--rows", type=int, default=1_000_000, help="applications (default 1,000,000)")
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--now", default="", help="ISO instant the history ends at (default: this hour)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--drop", action="store_true", help="only drop the database and exit")
    return parser.parse_args()


def setup(args):
    from urllib.parse import urlsplit

    name = urlsplit(args.database_url).path.lstrip("/")
    if not args.database_url.startswith("postgres") or "bench" not in name:
        sys.exit("--database-url must name a PostgreSQL database whose name contains 'bench'")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SEALS_DIR", str(DATA / "seals"))
    if args.drop:
        import django

        django.setup()
        drop_database(args.database_url, Path("/nonexistent"))
        sys.exit(0)
    recreate_postgres(args.database_url)
    import django

    django.setup()


class Copier:
    """COPY rows of a table from a generator of tuples; counts them."""

    def __init__(self, connection):
        self.connection = connection
        self.counts = {}

    def copy(self, model_or_table, columns, rows):
        table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
        extra = [] if isinstance(model_or_table, str) else self.defaults(model_or_table, columns)
        quoted = ", ".join(f'"{c}"' for c in [*columns, *(name for name, _ in extra)])
        tail = tuple(value for _, value in extra)
        n = 0
        with self.connection.cursor() as cursor, cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as cp:
            for row in rows:
                cp.write_row(tuple(row) + tail if tail else row)
                n += 1
        self.counts[table] = self.counts.get(table, 0) + n
        return n

    @staticmethod
    def defaults(model, columns):
        """Not-null columns the caller left out that have a plain model default (COPY applies no Django
        default): a column added to the schema later keeps its default instead of breaking the generator."""
        from django.db.models.fields import NOT_PROVIDED

        given = set(columns)
        extra = []
        for field in model._meta.concrete_fields:
            if field.column in given or field.null or field.primary_key or field.default is NOT_PROVIDED:
                continue
            if callable(field.default):
                continue
            value = field.default
            extra.append((field.column, json.dumps(value) if isinstance(value, (dict, list)) else value))
        return extra


def people(args):
    """The seeded district plus departments up to --departments, each with its people and two items."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from approvals.models import Department, ServiceItem, StaffAssignment
    from portal.credit_code import check_character
    from portal.models import Enterprise, Role, User

    DATA.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--quiet", "--accounts-json", str(DATA / "demo-accounts.json"), verbosity=0)
    hashed = make_password(PASSWORD)  # hashed once: PBKDF2 costs a second
    existing = list(Department.objects.order_by("pk"))
    for i in range(len(existing), args.departments):
        department = Department.objects.create(code=f"bench-{i:02d}", name=f"基准部门{i:02d}",
                                               approval_section=f"基准部门{i:02d}行政审批科")
        for role, count in ((Role.CHIEF, 1), (Role.STAFF, 2), (Role.CLERK, 1)):
            for j in range(count):
                user = User.objects.create(username=f"b-{role}-{i:02d}-{j}", role=role, full_name=f"{role}{i}-{j}",
                                           email=f"b-{role}-{i:02d}-{j}@bench.example", password=hashed)
                StaffAssignment.objects.create(user=user, department=department)
                if role in (Role.CHIEF, Role.STAFF):
                    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        for j in range(2):
            ServiceItem.objects.create(code=f"B-{i:02d}-{j}", name=f"基准事项{i:02d}-{j}", department=department,
                                       legal_limit_days=20, promised_limit_days=5 + 5 * j)
    for role in (Role.LEADER, Role.SUPERVISOR):
        user = User.objects.create(username=f"b-{role}", role=role, full_name=f"基准{role}",
                                   email=f"b-{role}@bench.example", password=hashed)
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    enterprises = []
    for i in range(args.enterprises):
        body = f"91500113{800000000 + i:09d}"
        enterprise = Enterprise.objects.create(name=f"基准企业{i:04d}有限公司", credit_code=body + check_character(body),
                                               legal_representative="王五")
        applicant = User.objects.create(username=f"b-applicant-{i:04d}", role=Role.APPLICANT, enterprise=enterprise,
                                        email=f"b-applicant-{i:04d}@bench.example", password=hashed)
        enterprises.append((enterprise.pk, applicant.pk))
    items = list(ServiceItem.objects.filter(active=True).order_by("pk").values(
        "pk", "department_id", "promised_limit_days", "legal_limit_days"))
    chiefs = dict(StaffAssignment.objects.filter(user__role=Role.CHIEF).values_list("department_id", "user_id"))
    staff = dict(StaffAssignment.objects.filter(user__role=Role.STAFF).values_list("department_id", "user_id"))
    from approvals.models import MaterialType

    # The added departments seal their documents like the seeded ones (a receipt without a seal fails to issue).
    call_command("seals", "init", verbosity=0)
    materials = list(MaterialType.objects.order_by("pk").values_list("pk", flat=True))[:6]
    return {"enterprises": enterprises, "items": items, "chiefs": chiefs, "staff": staff, "materials": materials,
            "departments": list(Department.objects.values_list("pk", flat=True)),
            "anyone": User.objects.filter(role=Role.LEADER).values_list("pk", flat=True).first()}


def history(args, world, now, rng, copier):
    """Every application with its stage, reviews, pauses, firings, materials, events and notification."""
    from approvals.models import (
        Application, ApplicationEvent, ApplicationStage, DeadlineFiring, ItemReview, MaterialFile, ReviewPause,
    )
    from portal.models import Notification

    items, enterprises = world["items"], world["enterprises"]
    start = Application.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = {"review": ItemReview.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
           "stage": ApplicationStage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0}
    # Side tables are written to temporary files first? No: each table gets its own COPY pass below, so the
    # plan of every application is drawn again from its own seeded generator (same numbers, no memory).

    def plan(n):
        """The application `n` (deterministic from the seed): its times, state and reviews."""
        r = random.Random(args.seed * 1_000_003 + n)
        age = timedelta(minutes=r.randrange(10, 730 * 24 * 60))
        created = now - age
        enterprise_id, applicant_id = enterprises[r.randrange(len(enterprises))]
        k = min(len(items), r.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)))
        first = r.randrange(len(items))
        chosen = [items[(first + j * 7) % len(items)] for j in range(k)]
        chosen = list({i["pk"]: i for i in chosen}.values())
        lead = chosen[0]["department_id"]
        submitted = created + timedelta(hours=r.randrange(1, 48))
        p = {"id": start + n, "created": created, "enterprise": enterprise_id, "applicant": applicant_id,
             "lead": lead, "items": chosen, "submitted": submitted, "accepted": None, "decided": None,
             "acceptance_due": None, "acceptance_warn": None, "delivery_due": None, "delivery_check": None,
             "delivered": None, "closed": None, "withdrawn": None, "outcome": "", "reviews": []}
        days = age / DAY
        roll = r.random()
        if days > 40 or (days > 10 and roll < 0.4):
            if roll < 0.03:
                p["status"], p["withdrawn"] = "withdrawn", submitted + DAY
            elif roll < 0.06:
                p["status"] = "not_accepted"
            else:
                p["accepted"] = submitted + timedelta(hours=r.randrange(2, 72))
                p["decided"] = p["accepted"] + timedelta(days=r.randrange(2, 14))
                p["delivery_due"] = p["decided"] + 14 * DAY
                if p["delivery_due"] < now or roll > 0.2:
                    p["delivered"] = p["decided"] + timedelta(days=r.randrange(0, 10))
                    p["status"] = "closed" if roll > 0.5 else "delivered"
                    p["closed"] = p["delivered"] if p["status"] == "closed" else None
                else:
                    p["status"], p["delivery_check"] = "decided", p["delivery_due"]
                p["outcome"] = "all_approved" if roll > 0.1 else "partly_approved"
        elif days < 6 and roll < 0.5:
            p["status"] = "submitted"
            p["acceptance_due"] = submitted + 7 * DAY
            p["acceptance_warn"] = p["acceptance_due"] - 2 * DAY
        else:
            p["status"] = "under_review"
            p["accepted"] = min(submitted + timedelta(hours=r.randrange(2, 72)), now - HOUR)
        for item in chosen:
            rv = {"item": item, "started": p["accepted"], "due": None, "legal": None, "warn": None,
                  "status": "pending", "decided": None, "extension": 0, "pause": None}
            if p["accepted"]:
                rv["legal"] = p["accepted"] + item["legal_limit_days"] * 1.4 * DAY
                rv["due"] = p["accepted"] + max(1, item["promised_limit_days"]) * 1.4 * DAY
            if p["decided"]:
                rv["status"], rv["decided"] = "signed", p["decided"]
            elif p["status"] == "under_review":
                s = r.random()
                if s < 0.10:  # paused: suspended, no due time, an open pause
                    rv["status"], rv["pause"] = "suspended", p["accepted"] + DAY
                    rv["due"] = rv["legal"] = None
                elif s < 0.20:  # extended once
                    rv["status"], rv["extension"] = "under_review", 5
                    rv["due"] += 7 * DAY
                    rv["legal"] += 7 * DAY
                elif s < 0.30:  # decided, waiting for the chief's signature
                    rv["status"], rv["decided"] = "approved", now - timedelta(hours=r.randrange(1, 48))
                elif s < 0.40:
                    rv["status"], rv["decided"] = "signed", now - timedelta(hours=r.randrange(1, 48))
                elif rv["due"] < now and r.random() < 0.8:  # most reviews are decided within their limit
                    decided = rv["due"] - timedelta(hours=r.randrange(1, 72))
                    rv["status"], rv["decided"] = "signed", max(rv["started"] + HOUR, decided)
                else:
                    rv["status"] = "under_review"
                if rv["due"]:
                    rv["warn"] = rv["due"] - DAY
            elif p["status"] in ("withdrawn", "not_accepted"):
                rv["status"] = "cancelled"
            p["reviews"].append(rv)
        return p

    n_apps = args.rows
    plans = lambda: (plan(n) for n in range(1, n_apps + 1))  # noqa: E731
    t0 = time.perf_counter()

    def app_rows():
        for p in plans():
            yield (p["id"], f"BN{p['id']:012d}", p["enterprise"], None, "基准申请", p["lead"], p["applicant"],
                   None, "online", p["status"], p["outcome"], "{}", 1, "electronic", "", "", p["created"],
                   p["submitted"], p["submitted"], p["submitted"], p["acceptance_due"], p["acceptance_warn"],
                   p["accepted"], None, False, "", "", p["decided"], p["delivery_due"], p["delivery_check"],
                   p["delivered"], p["closed"], p["withdrawn"], "")

    copier.copy(Application, [
        "id", "reference", "enterprise_id", "package_id", "title", "lead_department_id", "created_by_id",
        "filed_by_agent_id", "channel", "status", "outcome", "form_data", "form_version", "delivery_method",
        "delivery_address", "tracking_number", "created_at", "updated_at", "submitted_at", "received_at",
        "acceptance_due_at", "acceptance_warn_at", "accepted_at", "accepted_by_id", "deemed_accepted",
        "not_accepted_reason", "apply_instead_to", "decided_at", "delivery_due_at", "delivery_check_at",
        "delivered_at", "closed_at", "withdrawn_at", "withdraw_reason"], app_rows())
    print(f"  applications {time.perf_counter() - t0:.0f} s", flush=True)

    m2m = Application.items.through
    copier.copy(m2m, ["application_id", "serviceitem_id"],
                ((p["id"], rv["item"]["pk"]) for p in plans() for rv in p["reviews"]))

    def stage_rows():
        for p in plans():
            dues = [rv["due"] for rv in p["reviews"] if rv["due"] and rv["status"] in ("under_review", "approved")]
            open_ = p["status"] == "under_review"
            status = "open" if open_ else ("closed" if p["decided"] else "waiting" if p["status"] == "submitted"
                                           else "cancelled")
            due = min(dues) if open_ and dues and all(rv["status"] != "suspended" for rv in p["reviews"]) else None
            warn = due - DAY if due else None
            yield (start_stage + p["id"] - start, p["id"], 1, "联合审查", p["lead"], 10, status, p["accepted"], due,
                   warn, (warn if due and warn > now else due if due and due > now else None),
                   p["decided"] if status == "closed" else None)

    start_stage = ids["stage"] + 1
    copier.copy(ApplicationStage, ["id", "application_id", "order", "name", "lead_department_id",
                                   "promised_limit_days", "status", "opened_at", "due_at", "warn_at",
                                   "next_check_at", "closed_at"], stage_rows())
    print(f"  + stages {time.perf_counter() - t0:.0f} s", flush=True)

    def numbered_reviews():
        rid = ids["review"]
        for p in plans():
            for rv in p["reviews"]:
                rid += 1
                yield rid, p, rv

    def next_check(rv):
        if rv["status"] not in ("under_review", "approved") or not rv["due"]:
            return None
        for threshold in (rv["warn"], rv["due"], rv["legal"]):
            if threshold and threshold > now:
                return threshold
        return None

    def review_rows():
        for rid, p, rv in numbered_reviews():
            item = rv["item"]
            decided = rv["status"] in ("approved", "signed")
            chief = world["chiefs"].get(item["department_id"])
            yield (rid, p["id"], start_stage + p["id"] - start, item["pk"], item["department_id"], rv["status"],
                   rv["started"], max(1, item["promised_limit_days"]), item["legal_limit_days"], rv["extension"],
                   "需组织专家论证" if rv["extension"] else "", chief if rv["extension"] else None,
                   rv["started"] + DAY if rv["extension"] else None, rv["due"], rv["legal"], rv["warn"],
                   next_check(rv), "", None, "", "approve" if decided else "", "", "", chief if decided else None,
                   rv["decided"] if decided else None, False, False, None, None, "")

    copier.copy(ItemReview, [
        "id", "application_id", "stage_id", "item_id", "department_id", "status", "started_at", "limit_days",
        "legal_limit_days", "extension_days", "extension_reason", "extended_by_id", "extended_at", "due_at",
        "legal_due_at", "warn_at", "next_check_at", "opinion", "opinion_by_id", "proposed_decision", "decision",
        "reasons", "remedy_notice", "decided_by_id", "decided_at", "on_commitment", "verify_after", "revoked_at",
        "revoked_by_id", "revocation_reason"], review_rows())
    print(f"  + reviews {time.perf_counter() - t0:.0f} s", flush=True)

    def pauser(department_id):
        return world["staff"].get(department_id) or world["chiefs"].get(department_id) or world["anyone"]

    copier.copy(ReviewPause, ["review_id", "kind", "reason", "expected_days", "started_at", "started_by_id"],
                ((rid, "expert_review", "组织专家评审", 5, rv["pause"], pauser(rv["item"]["department_id"]))
                 for rid, p, rv in numbered_reviews() if rv["pause"]))

    def firing_rows():
        for rid, p, rv in numbered_reviews():
            if rv["status"] not in ("under_review", "approved") or not rv["due"]:
                continue
            for kind, threshold in (("review_yellow", rv["warn"]), ("review_red", rv["due"]),
                                    ("review_legal", rv["legal"])):
                if threshold and threshold <= now:
                    yield ("itemreview", rid, kind, rv["due"] if kind != "review_legal" else rv["legal"], threshold,
                           p["id"], rv["item"]["department_id"], json.dumps({"ref": f"BN{p['id']:012d}"}),
                           f"/reviews/{rid}/")

    copier.copy(DeadlineFiring, ["subject_type", "subject_id", "kind", "deadline_at", "fired_at", "application_id",
                                 "department_id", "context", "link"], firing_rows())
    print(f"  + firings {time.perf_counter() - t0:.0f} s", flush=True)

    mats = world["materials"] or [None]

    def material_rows():
        for p in plans():
            for j, material in enumerate(mats[:2]):
                yield (p["id"], material, 1, f"materials/bench/{p['id']}-{j}.pdf", "uploaded", 1, True,
                       p["applicant"], p["created"], f"材料{j}.pdf", "application/pdf", 120_000 + j, 2,
                       f"{p['id']:032x}{j:032x}")

    if mats[0] is not None:
        copier.copy(MaterialFile, ["application_id", "material_type_id", "part", "file", "source", "version",
                                   "is_current", "uploaded_by_id", "uploaded_at", "original_name", "content_type",
                                   "size", "pages", "sha256"], material_rows())

    def event_rows():
        for p in plans():
            yield (p["id"], p["created"], "created", p["applicant"], None, "", "{}")
            yield (p["id"], p["submitted"], "submitted", p["applicant"], None, "", "{}")
            if p["accepted"]:
                yield (p["id"], p["accepted"], "accepted", None, p["lead"], "", "{}")
            if p["decided"]:
                yield (p["id"], p["decided"], "decided", None, p["lead"], "", "{}")

    copier.copy(ApplicationEvent, ["application_id", "at", "kind", "actor_id", "department_id", "message", "data"],
                event_rows())
    copier.copy(Notification, ["recipient_id", "kind", "title", "body", "link", "links", "dedupe_key", "created_at",
                               "shown_at", "read_at"],
                ((p["applicant"], "decided", f"BN{p['id']:012d} 已办结", "", f"/applications/{p['id']}/", "[]",
                  f"bench-decided-{p['id']}", p["decided"], p["decided"], p["decided"] + DAY if p["closed"] else None)
                 for p in plans() if p["decided"]))
    print(f"  + materials, events, notifications {time.perf_counter() - t0:.0f} s", flush=True)


def demands(args, world, now, copier):
    from agents.models import Demand
    from portal.models import Role, User

    owners = list(User.objects.filter(role__in=[Role.STAFF, Role.CHIEF]).values_list("pk", flat=True)[:40])
    base = Demand.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def rows():
        for n in range(1, args.rows // 50 + 1):
            r = random.Random(args.seed * 7 + n)
            raised = now - timedelta(minutes=r.randrange(10, 730 * 24 * 60))
            enterprise_id, applicant_id = world["enterprises"][r.randrange(len(world["enterprises"]))]
            old = now - raised > 10 * DAY
            status = "closed" if old else r.choice(["raised", "open", "open", "plan_proposed", "resolved"])
            cls = "" if status == "raised" else r.choice(["small", "general", "big"])
            due = raised + (2 * HOUR if cls == "small" else 2.8 * DAY) if cls else None
            running = status == "open"
            warn = due - HOUR if due else None
            yield (f"BD{base + n:010d}", enterprise_id, applicant_id, raised, "诉求", "基准诉求", "other", cls,
                   raised + HOUR if cls else None, r.choice(owners) if cls else None, status,
                   due if running else None, warn if running else None,
                   (warn if warn and warn > now else due if due and due > now else None) if running else None,
                   "", raised + DAY if status in ("resolved", "closed") else None, "", None, None,
                   raised + 2 * DAY if status == "closed" else None, None, "", 0)

    copier.copy(Demand, ["reference", "enterprise_id", "raised_by_id", "raised_at", "title", "text", "category",
                         "classification", "classified_at", "owner_id", "status", "due_at", "warn_at",
                         "next_check_at", "resolution", "resolved_at", "plan", "plan_proposed_at", "plan_due_date",
                         "closed_at", "closed_by_id", "close_reason", "reopened"], rows())


def main():
    args = parse_args()
    setup(args)
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from agents.models import Demand
    from approvals.models import (
        Application, ApplicationEvent, ApplicationStage, DeadlineFiring, ItemReview, MaterialFile, ReviewPause,
    )
    from portal.models import Notification

    now = (datetime.fromisoformat(args.now) if args.now
           else timezone.now().replace(minute=0, second=0, microsecond=0)).astimezone(UTC)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    world = people(args)
    seeded_s = time.perf_counter() - t0
    copier = Copier(connection)
    t1 = time.perf_counter()
    with transaction.atomic():
        history(args, world, now, rng, copier)
        demands(args, world, now, copier)
        with connection.cursor() as cursor:
            models = [Application, ApplicationStage, ItemReview, ReviewPause, DeadlineFiring, MaterialFile,
                      ApplicationEvent, Notification, Demand, Application.items.through]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    load_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    analyze_s = time.perf_counter() - t2
    result = {"rows": args.rows, "seed": args.seed, "now": now.isoformat(), "departments": len(world["departments"]),
              "items": len(world["items"]), "enterprises": len(world["enterprises"]), "counts": copier.counts,
              "seed_s": round(seeded_s, 1), "copy_s": round(load_s, 1), "analyze_s": round(analyze_s, 1),
              "database_bytes": size, "password": PASSWORD,
              "accounts": {"demo": str(DATA / "demo-accounts.json"), "applicant": "b-applicant-0000",
                           "chief": "b-chief-49-0", "leader": "b-leader", "supervisor": "b-supervisor"}}
    # Mark the database as a finished data set (read by bench/common.py's dataset_rows(): the HTTP and soak
    # benchmarks re-use a database whose mark names the size they want, and generate one otherwise).
    from urllib.parse import urlsplit

    name = urlsplit(args.database_url).path.lstrip("/")
    mark = f"bench/generate.py rows={args.rows} seed={args.seed} now={now.isoformat()}"
    with connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [mark])
    result["database"] = name
    result["mark"] = mark
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / f"generate-{args.rows}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "accounts"}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
