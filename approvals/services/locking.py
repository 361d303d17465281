"""Loading a row for a state change: locked on PostgreSQL, and a wrong state answered in words."""

from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from portal.errors import WrongState


def lock(model, pk, *, related=(), prefetch=()):
    """The row, locked until the end of the transaction (a no-op lock on SQLite, which serialises writers).

    `related`: rows read with it in the same query (not locked: `FOR UPDATE OF` the row itself); `prefetch`: read
    right after, for the service's later reads of the same rows."""
    rows = model.objects.all()
    if related:
        rows = rows.select_related(*related).select_for_update(of=("self",))
    else:
        rows = rows.select_for_update()
    return rows.prefetch_related(*prefetch).get(pk=pk)


def check(obj, transition, message=None):
    """WrongState unless `transition` (a bound method) can run from the object's current state."""
    if not can_proceed(transition):
        raise WrongState(message or _("This cannot be done now: the status is “%(status)s”.")
                         % {"status": obj.get_status_display()})


def save(obj, *fields):
    """Save after a transition; a concurrent change of the state becomes a 409 with a message."""
    try:
        obj.save(update_fields=list(fields) or None)
    except ConcurrentTransition:
        raise WrongState(_("Someone else changed this at the same moment. Please reload the page.")) from None
