"""The deadline sweep's digest: one notification per person per sweep pass, listing everything that fired.

While a pass fires its crossings, each firing stores the values of its message and its page
(`DeadlineFiring.context`, `.link`) and `tell(firing, users)` (or `tell_ids`, plain ids in bulk) writes one
`DigestLine` per person to tell, in the firing's own transaction (the outbox: a firing is never recorded
without the people it must reach). At the end of the pass `flush()` gathers every line not yet told into one
notification per person, in their language, with bulk writes, and marks the lines told in the same
transaction. Lines left by a pass that died before its flush are told by the next pass; a line is in exactly
one digest.

A digest with one line reads as that firing alone (its kind, title and page); with several, its title counts
them, its body lists them and its `links` lead to each one's page.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from approvals.models import DeadlineFiring, DigestLine, FiringKind
from portal import bulk_sql
from portal.models.users import DEPARTMENT_ROLES, Role, User
from portal.services.notify import Message, Recipient, recipients, write

DIGEST_KIND = "deadline_digest"
BATCH = 500  # people per flush transaction
MAX_LINES = 50  # lines written out in one digest; the rest are counted

# kind -> (title, detail), each formatted with the firing's context.
LINES: dict[str, tuple] = {}
_KIND_LABELS = dict(FiringKind.choices)  # a kind without lines reads as its name


def register_line(kind: str, *, title, detail) -> None:
    """How a firing of `kind` reads in a digest (lazy strings with %(name)s placeholders from its context)."""
    LINES[kind] = (title, detail)


register_line(FiringKind.REVIEW_YELLOW, title=_("Due soon: %(item)s (%(ref)s)"),
              detail=_("%(enterprise)s — %(item)s is due at %(due)s. Please decide and sign in time."))
register_line(FiringKind.REVIEW_RED, title=_("Overdue (督办): %(item)s (%(ref)s)"),
              detail=_("The promised limit of %(item)s for %(enterprise)s passed at %(due)s."))
register_line(FiringKind.REVIEW_LEGAL, title=_("Legal limit exceeded: %(item)s (%(ref)s)"),
              detail=_("The legal limit of %(item)s for %(enterprise)s passed at %(legal)s (Art. 42)."))
register_line(FiringKind.STAGE_YELLOW, title=_("Stage due soon: %(stage)s (%(ref)s)"),
              detail=_("%(enterprise)s — stage “%(stage)s”, led by %(department)s, is due at %(due)s."))
register_line(FiringKind.STAGE_RED, title=_("Stage overdue (督办): %(stage)s (%(ref)s)"),
              detail=_("%(enterprise)s — stage “%(stage)s”, led by %(department)s, was due at %(due)s."))
register_line(FiringKind.DELIVERY_RED, title=_("Not delivered in 10 working days (督办): %(ref)s"),
              detail=_("The results for %(enterprise)s were decided but are still not delivered (Art. 44)."))
register_line(FiringKind.AFTER_CHECK_OVERDUE, title=_("After-check overdue: %(item)s (%(ref)s)"),
              detail=_("The commitment of %(enterprise)s for %(item)s was to be verified by %(due)s; no outcome "
                       "is recorded yet."))
register_line(FiringKind.DEEMED_ACCEPTED, title=_("Deemed accepted: %(ref)s"),
              detail=_("%(enterprise)s's application was not answered within 5 working days and counts as "
                       "accepted from %(received)s (Art. 32). The reviews have started."))


class _Values(dict):
    def __missing__(self, key):  # a context written before a placeholder existed reads as empty, never fails
        return ""


def tell(firing, users) -> None:
    """`users` (users, None, or a queryset) are to hear of `firing` in their next digest. Idempotent."""
    if firing is None:
        return
    tell_ids([(firing.pk, person.pk) for person in recipients(users)])


def tell_ids(pairs) -> None:
    """Each (firing id, user id) of `pairs`: that user hears of that firing in their next digest. One insert of
    plain rows (no model instances); a line that exists is skipped. The callers pass active users only."""
    bulk_sql.insert(DigestLine, ("firing", "recipient"), dict.fromkeys(pairs), ignore_conflicts=True)


def waiting():
    """The lines waiting for their digest (the sweep's probe asks whether there are any)."""
    return DigestLine.objects.filter(told_at__isnull=True)


def flush(*, now=None) -> int:
    """Write one digest per person with lines not yet told; returns the number of notifications written."""
    now = now or timezone.now()
    written, more = 0, True
    while more:
        with transaction.atomic():
            done, more = _flush_batch(now)
        written += done
    return written


def _flush_batch(now) -> tuple[int, bool]:
    """(notifications written, whether more people may be waiting).

    Plain rows throughout: the lines are claimed as (id, person, firing, page) tuples, only the firings written
    out (`MAX_LINES` per person) are read, and every line is marked told with one UPDATE."""
    waiting = DigestLine.objects.filter(told_at__isnull=True)
    people = list(waiting.order_by("recipient_id").values_list("recipient_id", flat=True).distinct()[:BATCH])
    if not people:
        return 0, False
    # Claimed: a concurrent pass skips these lines (and tells its own); SQLite serialises writers instead.
    lines = list(waiting.filter(recipient_id__in=people).select_for_update(skip_locked=True, of=("self",))
                 .order_by("recipient_id", "firing__fired_at", "pk")
                 .values_list("pk", "recipient_id", "firing_id", "firing__link"))
    if not lines:
        return 0, False  # another pass holds them and tells them
    by_person = {}
    for line in lines:
        by_person.setdefault(line[1], []).append(line)
    users = {row["pk"]: row for row in User.objects.filter(pk__in=list(by_person), is_active=True)
             .values("pk", "email", "language", "role")}
    shown = {firing for person, group in by_person.items() if person in users
             for _pk, _person, firing, _link in group[:MAX_LINES]}
    firings = {pk: (kind, context, link) for pk, kind, context, link in DeadlineFiring.objects.filter(
        pk__in=list(shown)).order_by().values_list("pk", "kind", "context", "link")} if shown else {}
    messages = [_digest(users[person], group, firings) for person, group in by_person.items() if person in users]
    notification_of = {n.recipient_id: n.pk for n in write(messages)}
    bulk_sql.update(DigestLine, "id", ("told_at", "notification"),
                    [(pk, now, notification_of.get(person)) for pk, person, _f, _l in lines])
    return len(notification_of), len(people) == BATCH


def _digest(user, lines, firings) -> Message:
    """The digest of `user` (a row: pk, email, language, role) for `lines` ((id, person, firing id, page) in
    order); `firings` holds (kind, context, page) of at least the first `MAX_LINES` firings."""
    person = Recipient(user["pk"], user["email"] or "", user["language"] or "")
    with translation.override(person.lang):
        texts = {}  # kind -> (title, detail) in this language, translated once per digest
        shown = [_entry(*firings[firing], texts) for _pk, _p, firing, _link in lines[:MAX_LINES]]
        if len(lines) == 1:
            (title, detail, link), kind, links = shown[0], firings[lines[0][2]][0], []
            body = detail
        else:
            kind = DIGEST_KIND
            title = ngettext("%(n)d deadline needs attention", "%(n)d deadlines need attention",
                             len(lines)) % {"n": len(lines)}
            body = "\n".join(f"• {t}\n  {d}" for t, d, _link in shown)
            if len(lines) > MAX_LINES:
                body += "\n" + gettext("… and %(n)d more.") % {"n": len(lines) - MAX_LINES}
            links = [{"title": t, "url": u} for t, _d, u in shown if u]
            pages = {link for _pk, _p, _f, link in lines}
            link = pages.pop() if len(pages) == 1 else _overview(user["role"], shown)
    return Message(recipient=person, kind=kind, title=title, body=body, link=link, links=links,
                   key=f"{DIGEST_KIND}:{person.pk}:{lines[0][0]}")


def _entry(kind, context, link, texts=None):
    texts = {} if texts is None else texts
    if kind not in texts:
        title, detail = LINES.get(kind, (_KIND_LABELS.get(kind, kind), ""))
        texts[kind] = (str(title), str(detail) if detail else "")
    title, detail = texts[kind]
    values = _Values(context or {})
    return title % values, (detail % values if detail else ""), link


def _overview(role, entries) -> str:
    """The page that lists what a digest is about, for its reader (by their role)."""
    if role in DEPARTMENT_ROLES:
        return reverse("approvals:escalations")
    if role in (Role.LEADER, Role.SUPERVISOR, Role.ADMIN):
        return reverse("approvals:overdue_board")
    return next((u for _t, _d, u in entries if u), "")
