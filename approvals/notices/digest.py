"""The deadline sweep's digest: one notification per person per sweep pass, listing everything that fired.

While a pass fires its crossings, each firing stores the values of its message and its page
(`DeadlineFiring.context`, `.link`) and `tell(firing, users)` writes one `DigestLine` per person to tell, in
the firing's own transaction (the outbox: a firing is never recorded without the people it must reach). At the
end of the pass `flush()` gathers every line not yet told into one notification per person, in their language,
with bulk writes, and marks the lines told in the same transaction. Lines left by a pass that died before its
flush are told by the next pass; a line is in exactly one digest.

A digest with one line reads as that firing alone (its kind, title and page); with several, its title counts
them, its body lists them and its `links` lead to each one's page.
"""

from django.db import transaction
from django.db.models import BigIntegerField, Case, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from approvals.models import DigestLine, FiringKind
from portal.models.users import DEPARTMENT_ROLES, Role
from portal.services.notify import Message, Recipient, recipients, write

DIGEST_KIND = "deadline_digest"
BATCH = 500  # people per flush transaction
MAX_LINES = 50  # lines written out in one digest; the rest are counted

# kind -> (title, detail), each formatted with the firing's context.
LINES: dict[str, tuple] = {}


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
    people = recipients(users)
    if people:
        DigestLine.objects.bulk_create([DigestLine(firing=firing, recipient_id=p.pk) for p in people],
                                       ignore_conflicts=True)


def tell_many(pairs) -> None:
    """Each (firing, users) of `pairs`: those users hear of that firing in their next digest. One insert."""
    lines = [DigestLine(firing=firing, recipient_id=p.pk) for firing, users in pairs if firing is not None
             for p in recipients(users)]
    if lines:
        DigestLine.objects.bulk_create(lines, ignore_conflicts=True)


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
    """(notifications written, whether more people may be waiting)."""
    pending = DigestLine.objects.filter(told_at__isnull=True)
    people = list(pending.order_by("recipient_id").values_list("recipient_id", flat=True).distinct()[:BATCH])
    if not people:
        return 0, False
    # Claimed: a concurrent pass skips these lines (and tells its own); SQLite serialises writers instead.
    lines = list(pending.filter(recipient_id__in=people).select_for_update(skip_locked=True, of=("self",))
                 .select_related("firing", "recipient").order_by("recipient_id", "firing__fired_at", "pk"))
    if not lines:
        return 0, False  # another pass holds them and tells them
    by_person = {}
    for line in lines:
        by_person.setdefault(line.recipient_id, []).append(line)
    messages = [_digest(group) for group in by_person.values() if group[0].recipient.is_active]
    notification_of = {n.recipient_id: n.pk for n in write(messages)}
    whens = [When(recipient_id=person, then=Value(pk)) for person, pk in notification_of.items()]
    DigestLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        told_at=now, notification_id=Case(*whens, default=None, output_field=BigIntegerField()) if whens else None)
    return len(notification_of), len(people) == BATCH


def _digest(lines) -> Message:
    user = lines[0].recipient
    person = Recipient(user.pk, user.email or "", user.language or "")
    with translation.override(person.lang):
        texts = {}  # kind -> (title, detail) in this language, translated once per digest
        shown = [_entry(line.firing, texts) for line in lines[:MAX_LINES]]  # only the lines written out
        if len(lines) == 1:
            (title, detail, link), kind, links = shown[0], lines[0].firing.kind, []
            body = detail
        else:
            kind = DIGEST_KIND
            title = ngettext("%(n)d deadline needs attention", "%(n)d deadlines need attention",
                             len(lines)) % {"n": len(lines)}
            body = "\n".join(f"• {t}\n  {d}" for t, d, _link in shown)
            if len(lines) > MAX_LINES:
                body += "\n" + gettext("… and %(n)d more.") % {"n": len(lines) - MAX_LINES}
            links = [{"title": t, "url": u} for t, _d, u in shown if u]
            pages = {line.firing.link for line in lines}
            link = pages.pop() if len(pages) == 1 else _overview(user, shown)
    return Message(recipient=person, kind=kind, title=title, body=body, link=link, links=links,
                   key=f"{DIGEST_KIND}:{user.pk}:{lines[0].pk}")


def _entry(firing, texts=None):
    texts = {} if texts is None else texts
    if firing.kind not in texts:
        title, detail = LINES.get(firing.kind, (firing.get_kind_display(), ""))
        texts[firing.kind] = (str(title), str(detail) if detail else "")
    title, detail = texts[firing.kind]
    values = _Values(firing.context or {})
    return title % values, (detail % values if detail else ""), firing.link


def _overview(user, entries) -> str:
    """The page that lists what a digest is about, for its reader."""
    if user.role in DEPARTMENT_ROLES:
        return reverse("approvals:escalations")
    if user.role in (Role.LEADER, Role.SUPERVISOR, Role.ADMIN):
        return reverse("approvals:overdue_board")
    return next((u for _t, _d, u in entries if u), "")
