"""The deadline sweep: finds every clock whose next threshold has come and fires it, exactly once.

Each clock keeps indexed columns written by the services whenever it changes (see approvals/clocks.py):
`next_check_at` on reviews and stages, `acceptance_due_at` on submitted applications, `delivery_check_at` on
decided ones. A sweep pass reads only rows whose column has passed (a partial index range scan), claims each
row with `SELECT ... FOR UPDATE SKIP LOCKED` in its own short transaction, re-checks it, records the firing in
`DeadlineFiring` (unique per subject, kind and deadline) and moves the column on. A second sweep, a second beat
or a retried task therefore changes nothing; a row that fails is pushed back, not retried in a tight loop.
After-checks of decisions on commitment (告知承诺) join the pass through their `check_at` column.

Reviews, where the volume lives, are fired a batch (`BATCH_MANY`) at a time and set-based (`check_reviews`):
one claim of plain rows, the thresholds crossed and the next checks computed from the stored columns, one
`INSERT ... ON CONFLICT DO NOTHING RETURNING` of the firings, one of their digest lines, one call of the
`deadline_fired` receivers, one UPDATE moving every next check on — a few statements per batch, not per row. A
batch that fails is rolled back whole and fired row by row (`check_review`), so one bad row still cannot stop the
others. A pass first asks every clock at once whether anything is due (one `SELECT EXISTS(...), ...`): a pass with
nothing due is one query.

Who is told is written with the firing (`digest.tell`: one line per person); at the end of the pass each person
gets one notification listing everything that fired for them (approvals/notices/digest.py).
"""

import logging
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from approvals.models import (
    AfterCheck, Application, ApplicationStage, ApplicationStatus, DeadlineFiring, Department, FiringKind, ItemReview,
    StageStatus,
)
from approvals.notices import digest
from approvals.notices.messages import when
from approvals.services import acceptance, recompute, reviews
from approvals.signals import Fired, deadline_fired
from portal.models.users import Role, User
from portal import bulk_sql
from portal.services.notify import recipients, relay_pending

log = logging.getLogger(__name__)
BATCH = 200
RETRY_AFTER = timedelta(minutes=5)


@dataclass
class SweepReport:
    fired: dict = field(default_factory=dict)
    deemed_accepted: int = 0
    relayed: int = 0
    failed: int = 0
    digests: int = 0  # notifications written at the end of the pass, one per person told

    def count(self, kind):
        self.fired[kind] = self.fired.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.fired.values()) + self.deemed_accepted


# --- who is told --------------------------------------------------------------------------------------------
# Within one sweep pass each list of people is read once (10,000 crossings would otherwise read the same chiefs
# 10,000 times); outside a pass every call reads the database.
_people_of_pass: ContextVar[dict | None] = ContextVar("deadline_people_of_pass", default=None)


def _people(key, users) -> list:
    """`users()` (a queryset), read once per pass under `key`."""
    cache = _people_of_pass.get()
    if cache is None:
        return list(users())
    if key not in cache:
        cache[key] = list(users())
    return list(cache[key])  # a copy: callers add to it


def chiefs_of(department) -> list:
    return _people(("chiefs", department.pk), lambda: User.objects.filter(
        assignment__department=department, role=Role.CHIEF, is_active=True))


def staff_of(department) -> list:
    return _people(("staff", department.pk), lambda: User.objects.filter(
        assignment__department=department, role=Role.STAFF, is_active=True))


def leaders_of(department) -> list:
    if department.leader_id:
        return _people(("leader", department.leader_id), lambda: User.objects.filter(pk=department.leader_id))
    return _people(("leaders",), lambda: User.objects.filter(role=Role.LEADER, is_active=True))


def supervisors() -> list:
    return _people(("supervisors",), lambda: User.objects.filter(role=Role.SUPERVISOR, is_active=True))


# --- firing -------------------------------------------------------------------------------------------------
def fire(kind, subject, *, deadline_at, now, application=None, department=None, context=None,
         link: str = "") -> DeadlineFiring | None:
    """Record the firing (with the values of its message and its page); None when it already exists (someone
    fired it before)."""
    try:
        with transaction.atomic():
            return DeadlineFiring.objects.create(
                subject_type=subject._meta.model_name, subject_id=subject.pk, kind=kind, deadline_at=deadline_at,
                fired_at=now, application=application, department=department, context=context or {},
                link=link[:255])
    except IntegrityError:
        return None


_ID = 987654321


@lru_cache(maxsize=1)
def _review_path() -> str:
    """The review page's path with a slot for the id: reversed once, not once per firing."""
    return reverse("approvals:review", args=[_ID]).replace(str(_ID), "{}")


def _review_link(review) -> str:
    return _review_path().format(review.pk)


def _review_thresholds(review):
    return [(FiringKind.REVIEW_YELLOW, review.warn_at, review.due_at),
            (FiringKind.REVIEW_RED, review.due_at, review.due_at),
            (FiringKind.REVIEW_LEGAL, review.legal_due_at, review.legal_due_at)]


def _review_context(review) -> dict:
    app = review.application
    return {"item": review.item.name, "ref": app.reference, "enterprise": app.enterprise.name,
            "due": when(review.due_at), "legal": when(review.legal_due_at)}


def _told_of_review(kind, dept) -> list:
    """Yellow: the department's chiefs; red: and the supervisors; the legal limit: and the leaders too."""
    if kind == FiringKind.REVIEW_YELLOW:
        return chiefs_of(dept)
    if kind == FiringKind.REVIEW_RED:
        return chiefs_of(dept) + supervisors()
    return leaders_of(dept) + chiefs_of(dept) + supervisors()


def _claim(model, pk, column, now):
    """The row, locked, if it still needs this sweep; None when another sweep holds it or did it already.

    `order_by()` drops the model's default ordering: with it (ItemReview orders by application, stage, department
    and item) the query joined four tables and FOR UPDATE locked those rows too, skipping a review whenever
    another transaction held its department or item."""
    return (model.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, **{f"{column}__lte": now}).order_by().first())


def _review_next_check(review, now):
    """The first threshold of `review` still ahead of `now` (None when none is)."""
    ahead = [threshold for _kind, threshold, _deadline in _review_thresholds(review)
             if threshold is not None and threshold > now]
    return min(ahead) if ahead else None


def check_reviews(review_ids, *, now, report: SweepReport) -> None:
    """Fire every review of `review_ids` whose next check has come, in one transaction and a few statements.

    Set-based, on plain rows (no model instances): the batch is claimed with one `SELECT ... FOR UPDATE OF
    review SKIP LOCKED` that also reads what the firings need (a concurrent sweep skips these rows and takes
    others; a row whose next check moved on is not selected); the thresholds crossed and each review's next
    check are computed from the stored columns (`warn_at`, `due_at`, `legal_due_at`); the firings are inserted
    with one `INSERT ... ON CONFLICT DO NOTHING RETURNING` (a firing that exists, e.g. made by an older pass or
    by the row-by-row path, is skipped by the unique constraint and not told again), everybody to tell with one
    insert of digest lines, the receivers of `deadline_fired` called once with the whole batch, and every
    review's next check moved on with one UPDATE. A killed worker rolls the whole batch back (nothing fired,
    the rows unlocked); an error rolls it back too, and the caller then fires the batch row by row
    (`check_review`)."""
    token = _people_of_pass.set({}) if _people_of_pass.get() is None else None  # people read once per batch
    try:
        _check_reviews(review_ids, now=now, report=report)
    finally:
        if token is not None:
            _people_of_pass.reset(token)


_FIRING_COLUMNS = ("subject_type", "subject_id", "kind", "deadline_at", "fired_at", "application", "department",
                   "context", "link")


def _check_reviews(review_ids, *, now, report: SweepReport) -> None:
    subject_type = ItemReview._meta.model_name
    path = _review_path()
    with transaction.atomic():
        rows = list(ItemReview.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk__in=list(review_ids), next_check_at__lte=now).order_by("pk")
                    .values_list("pk", "warn_at", "due_at", "legal_due_at", "application_id", "department_id",
                                 "item__name", "application__reference", "application__enterprise__name"))
        if not rows:
            return
        due, moves = [], []
        shown = _times_shown()
        for pk, warn, due_at, legal, application, department, item, ref, enterprise in rows:
            thresholds = ((FiringKind.REVIEW_YELLOW, warn, due_at), (FiringKind.REVIEW_RED, due_at, due_at),
                          (FiringKind.REVIEW_LEGAL, legal, legal))
            crossed = [(kind, at) for kind, threshold, at in thresholds if threshold is not None and threshold <= now]
            ahead = [threshold for _kind, threshold, _at in thresholds if threshold is not None and threshold > now]
            moves.append((pk, min(ahead) if ahead else None))
            if crossed:
                context = {"item": item, "ref": ref, "enterprise": enterprise, "due": shown(due_at),
                           "legal": shown(legal)}
                link = path.format(pk)[:255]
                due += [(subject_type, pk, kind, at, now, application, department, context, link)
                        for kind, at in crossed]
        # The firings that are new (an existing one is skipped by the unique constraint `firing_once`).
        made = bulk_sql.insert(DeadlineFiring, _FIRING_COLUMNS, due, ignore_conflicts=True,
                               returning=("id", "subject_id", "kind"))
        of_review = {pk: (application, department) for pk, _w, _d, _l, application, department, *_rest in rows}
        _load_departments({of_review[review][1] for _firing, review, _kind in made})
        digest.tell_ids([(firing, person) for firing, review, kind in made
                         for person in _told_ids(kind, of_review[review][1])])
        fired = [Fired(kind, review, of_review[review][0], firing) for firing, review, kind in made]
        if fired:
            deadline_fired.send(sender=ItemReview, fired=fired, now=now)
        bulk_sql.update(ItemReview, "id", ("next_check_at",), moves)  # every next check moved on, one UPDATE
    for _firing, _review, kind in made:  # counted once committed (a failed batch is fired again row by row)
        report.count(kind)


def _times_shown():
    """`when` for a batch: the same text, with the time zone read once (not once per call from the thread-local
    settings) and each distinct time formatted once."""
    zone, texts = timezone.get_current_timezone(), {None: ""}

    def shown(value) -> str:
        text = texts.get(value)
        if text is None:
            text = texts[value] = value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""
        return text

    return shown


def _told_ids(kind, department_id) -> list:
    """The ids of the active people `_told_of_review` names for a review of `department_id` (after
    `_load_departments`), worked out once per pass (per batch outside a pass)."""
    cache = _people_of_pass.get()
    key = ("told", kind, department_id)
    if key not in cache:
        cache[key] = [p.pk for p in recipients(_told_of_review(kind, cache[("department", department_id)]))]
    return cache[key]


def _load_departments(department_ids) -> None:
    """Read what `_told_of_review` needs for these departments (each department's leader, chiefs and named
    leader) into the pass's cache in a few queries for all of them, not a few per department."""
    cache = _people_of_pass.get()
    missing = {pk for pk in department_ids if ("department", pk) not in cache}
    if not missing:
        return
    departments = {pk: Department(pk=pk, leader_id=leader) for pk, leader in
                   Department.objects.filter(pk__in=missing).order_by().values_list("pk", "leader_id")}
    chiefs = {pk: [] for pk in departments}
    for chief in User.objects.filter(assignment__department__in=list(departments), role=Role.CHIEF,
                                     is_active=True).annotate(of_department=F("assignment__department")):
        chiefs[chief.of_department].append(chief)
    leaders = {d.leader_id for d in departments.values() if d.leader_id} - {
        key[1] for key in cache if key[0] == "leader"}
    for leader in User.objects.filter(pk__in=leaders) if leaders else ():
        cache[("leader", leader.pk)] = [leader]
    for pk, department in departments.items():
        cache[("department", pk)] = department
        cache[("chiefs", pk)] = chiefs[pk]


def check_review(review_id, *, now, report: SweepReport) -> None:
    """One review (the batch's fallback): the same steps as `check_reviews` for one row, each firing guarded by
    its savepoint."""
    with transaction.atomic():
        # Claimed and loaded in one query; FOR UPDATE OF the review only (not the joined rows).
        review = (ItemReview.objects.select_for_update(skip_locked=True, of=("self",))
                  .select_related("application__enterprise", "item", "department")
                  .filter(pk=review_id, next_check_at__lte=now).order_by().first())
        if review is None:
            return
        for kind, threshold, deadline in _review_thresholds(review):
            if threshold is None or threshold > now:
                continue
            firing = fire(kind, review, deadline_at=deadline, now=now, application=review.application,
                          department=review.department, context=_review_context(review), link=_review_link(review))
            if firing:
                digest.tell(firing, _told_of_review(kind, review.department))
                report.count(kind)
                deadline_fired.send(sender=ItemReview, fired=[Fired(kind, review.pk, review.application_id, firing.pk)],
                                    now=now)
        ItemReview.objects.filter(pk=review.pk).update(next_check_at=_review_next_check(review, now))


def check_stage(stage_id, *, now, report: SweepReport) -> None:
    with transaction.atomic():
        stage = _claim(ApplicationStage, stage_id, "next_check_at", now)
        if stage is None:
            return
        stage = ApplicationStage.objects.select_related("application__enterprise", "lead_department").get(pk=stage.pk)
        # A stage follows its reviews: read its clock from them again before firing, so a stage whose reviews
        # are all (or partly) suspended, or extended, is never escalated on a stale due time.
        due, warn = reviews.stage_due_times(stage) if stage.status == StageStatus.OPEN else (None, None)
        if (due, warn) != (stage.due_at, stage.warn_at):
            stage.set_clock(due, warn)
            ApplicationStage.objects.filter(pk=stage.pk).update(due_at=due, warn_at=warn,
                                                                next_check_at=stage.next_check_at)
            if stage.next_check_at is None or stage.next_check_at > now:
                return
        next_check = None
        for kind, threshold in ((FiringKind.STAGE_YELLOW, stage.warn_at), (FiringKind.STAGE_RED, stage.due_at)):
            if threshold is None:
                continue
            if threshold > now:
                next_check = threshold if next_check is None else min(next_check, threshold)
                continue
            context = {"stage": stage.name, "ref": stage.application.reference,
                       "enterprise": stage.application.enterprise.name, "department": stage.lead_department.name,
                       "due": when(stage.due_at)}
            firing = fire(kind, stage, deadline_at=stage.due_at, now=now, application=stage.application,
                          department=stage.lead_department, context=context, link=reverse("approvals:inbox"))
            if firing:
                red = kind == FiringKind.STAGE_RED
                digest.tell(firing, chiefs_of(stage.lead_department) + (supervisors() if red else []))
                report.count(kind)
                deadline_fired.send(sender=ApplicationStage,
                                    fired=[Fired(kind, stage.pk, stage.application_id, firing.pk)], now=now)
        ApplicationStage.objects.filter(pk=stage.pk).update(next_check_at=next_check)


def check_delivery(application_id, *, now, report: SweepReport) -> None:
    with transaction.atomic():
        application = _claim(Application, application_id, "delivery_check_at", now)
        if application is None:
            return
        Application.objects.filter(pk=application.pk).update(delivery_check_at=None)
        if application.status != ApplicationStatus.DECIDED:
            return
        firing = fire(FiringKind.DELIVERY_RED, application, deadline_at=application.delivery_due_at, now=now,
                      application=application, department=application.lead_department,
                      context={"ref": application.reference, "enterprise": application.enterprise.name,
                               "due": when(application.delivery_due_at)},
                      link=reverse("approvals:desk_handover", args=[application.pk]))
        if firing:
            digest.tell(firing, chiefs_of(application.lead_department) + supervisors())
            report.count(FiringKind.DELIVERY_RED)
            deadline_fired.send(sender=Application, fired=[Fired(FiringKind.DELIVERY_RED, application.pk,
                                                                 application.pk, firing.pk)], now=now)


def check_after_check(check_id, *, now, report: SweepReport) -> None:
    """An after-check (事后核查) whose due date passed without an outcome: the department is warned, once."""
    with transaction.atomic():
        check = _claim(AfterCheck, check_id, "check_at", now)
        if check is None:
            return
        AfterCheck.objects.filter(pk=check.pk).update(check_at=None)
        if check.outcome:
            return
        check = AfterCheck.objects.select_related("review__application__enterprise", "review__item",
                                                  "department").get(pk=check.pk)
        application = check.review.application
        firing = fire(FiringKind.AFTER_CHECK_OVERDUE, check, deadline_at=check.due_at, now=now,
                      application=application, department=check.department,
                      context={"item": check.review.item.name, "ref": application.reference,
                               "enterprise": application.enterprise.name, "due": when(check.due_at)},
                      link=reverse("approvals:after_check", args=[check.pk]))
        if firing:
            digest.tell(firing, chiefs_of(check.department) + staff_of(check.department))
            report.count(FiringKind.AFTER_CHECK_OVERDUE)


def deem_accepted(application_id, *, now, report: SweepReport) -> None:
    """Art. 32: no answer within 5 working days -> accepted from the day of receipt, automatically."""
    with transaction.atomic():
        application = _claim(Application, application_id, "acceptance_due_at", now)
        if application is None or application.status != ApplicationStatus.SUBMITTED:
            return
        deadline = application.acceptance_due_at
        department = application.lead_department
        firing = fire(FiringKind.DEEMED_ACCEPTED, application, deadline_at=deadline, now=now,
                      application=application, department=department,
                      context={"ref": application.reference, "enterprise": application.enterprise.name,
                               "received": timezone.localtime(application.received_at).strftime("%Y-%m-%d")},
                      link=reverse("approvals:desk_application", args=[application.pk]))
        if not firing:
            return
        acceptance.accept(application, actor=None, now=now, deemed=True)  # tells the company (approvals.notices)
        digest.tell(firing, chiefs_of(department) + leaders_of(department))
        report.deemed_accepted += 1


# --- the pass -----------------------------------------------------------------------------------------------
def _due(queryset, column, now, limit=BATCH):
    """The candidate query of one clock: the ids of its rows due by `now`, earliest first (a range scan of the
    clock's partial index)."""
    return queryset.filter(**{f"{column}__lte": now}).order_by(column).values_list("pk", flat=True)[:limit]


def _due_ids(queryset, column, now, limit=BATCH):
    return list(_due(queryset, column, now, limit))


def _anything_due(querysets) -> list[bool]:
    """For each of `querysets`, whether it has a row: one round trip (`SELECT EXISTS(...), EXISTS(...), ...`),
    so that a pass with nothing due costs one query, not one per clock."""
    parts, params = [], []
    for queryset in querysets:
        sql, more = queryset.order_by().values("pk")[:1].query.sql_with_params()
        parts.append(f"EXISTS({sql})")
        params += more
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [bool(value) for value in cursor.fetchone()]


def _run_batch(ids, check_many, check, *, now, report, model, column, push_back):
    """The batch in one go (`check_many`); if it fails, row by row, so one bad row cannot stop the others."""
    try:
        check_many(ids, now=now, report=report)
        return
    except SoftTimeLimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - rolled back as a whole; each row is tried on its own below
        log.warning("Batch deadline check of %d %s rows failed; checking them one by one", len(ids),
                    model.__name__, exc_info=True)
    _run(ids, check, now=now, report=report, model=model, column=column, push_back=push_back)


def _run(ids, check, *, now, report, model, column, push_back):
    for pk in ids:
        try:
            check(pk, now=now, report=report)
        except SoftTimeLimitExceeded:  # the task's time is up: stop; every crossing done so far is committed
            raise
        except Exception:  # noqa: BLE001 - one bad row must not stop the sweep
            report.failed += 1
            log.exception("Deadline check of %s %s failed", model.__name__, pk)
            if push_back:  # a check column (not a legal date) is moved on, so the row is retried later
                model.objects.filter(pk=pk).update(**{column: now + RETRY_AFTER})


# Clocks of other packages (the agents' demands) join the same pass: register(rows, column, check, push_back).
_extra_sweepers: list = []


def register_sweeper(rows, column: str, check, *, push_back: bool = True) -> None:
    """`rows()` returns the queryset of candidate rows; `check(pk, now=, report=)` handles one, claimed."""
    entry = (rows, column, check, push_back)
    if entry not in _extra_sweepers:
        _extra_sweepers.append(entry)


# Checks that have a batch form: the reviews, where the volume lives (thousands of crossings a morning).
_BATCHED = {check_review: check_reviews}
BATCH_MANY = 1000  # rows per batch of a batched check (one transaction, a few statements)


def _plans() -> list:
    """(rows, column, check, model, push_back) of every clock: the acceptance due date is a legal date and is
    never moved; a failing acceptance is simply tried again by the next pass."""
    plans = [
        (Application.objects.filter(status=ApplicationStatus.SUBMITTED), "acceptance_due_at", deem_accepted,
         Application, False),
        (ItemReview.objects.filter(next_check_at__isnull=False), "next_check_at", check_review, ItemReview, True),
        (ApplicationStage.objects.filter(next_check_at__isnull=False), "next_check_at", check_stage,
         ApplicationStage, True),
        (Application.objects.filter(delivery_check_at__isnull=False), "delivery_check_at", check_delivery,
         Application, True),
        (AfterCheck.objects.filter(check_at__isnull=False), "check_at", check_after_check, AfterCheck, True),
    ]
    return plans + [(rows(), column, check, rows().model, push_back)
                    for rows, column, check, push_back in _extra_sweepers]


def candidate_queries(now) -> list:
    """The candidate query of every clock (the benchmark explains each: it must be a range scan of the clock's
    partial index)."""
    return [_due(queryset, column, now) for queryset, column, *_rest in _plans()]


def sweep(*, now=None, relay: bool = True) -> SweepReport:
    """One pass over every kind of clock; returns what fired."""
    token = _people_of_pass.set({})
    try:
        return _sweep(now=now, relay=relay)
    finally:
        _people_of_pass.reset(token)


def _sweep(*, now, relay) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    plans = _plans()
    # One probe first: which clocks have a row due, and whether digest lines wait (from a pass that died before
    # its digests). A pass with nothing due ends here: one query.
    *due, lines_waiting = _anything_due([queryset.filter(**{f"{column}__lte": now})
                                         for queryset, column, *_rest in plans] + [digest.waiting()])
    ran = False
    for (queryset, column, check, model, push_back), anything in zip(plans, due, strict=True):
        # A clock the probe found quiet is skipped, unless an earlier clock fired something: firing may start
        # clocks due at once (a deemed acceptance starts reviews already late), so they are asked again.
        if not (anything or ran):
            continue
        ran = ran or anything
        seen = set()
        limit = BATCH_MANY if check in _BATCHED else BATCH
        while True:
            ids = [pk for pk in _due_ids(queryset, column, now, limit) if pk not in seen]
            if not ids:
                break
            seen.update(ids)
            if check in _BATCHED:
                _run_batch(ids, _BATCHED[check], check, now=now, report=report, model=model, column=column,
                           push_back=push_back)
            else:
                _run(ids, check, now=now, report=report, model=model, column=column, push_back=push_back)
    if lines_waiting or any(due):
        report.digests = digest.flush(now=now)
    if relay:
        report.relayed = relay_pending(now=now)
        recompute.relay_pending(now=now)  # a calendar change whose recompute task was lost
    return report

