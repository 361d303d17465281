"""Web sessions a user can list and end (the account page). One `UserSession` row per logged-in session."""

from importlib import import_module

from django.conf import settings
from django.db import transaction

from portal.models import UserSession
from portal.services import audit


def _store(session_key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def remember(request) -> UserSession | None:
    """Called at login: the row for the new session."""
    if request.session.session_key is None:
        request.session.save()
    return UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": request.user, "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255],
                  "ip_address": audit.client_ip(request)},
    )[0]


def forget(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def rekey(old_key: str | None, new_key: str | None) -> None:
    """The session kept its user but changed its key (Django cycles it on a password change)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def live_sessions(user) -> list[UserSession]:
    """The user's sessions that still exist (rows of sessions that expired on their own are dropped here)."""
    rows = list(UserSession.objects.filter(user=user))
    gone = [row.pk for row in rows if not _store().exists(row.session_key)]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    return [row for row in rows if row.pk not in gone]


def end_session(row: UserSession, *, actor, request=None) -> None:
    with transaction.atomic():
        _store(row.session_key).delete()
        audit.record("session_ended", actor=actor, subject=row, request=request,
                     summary=f"web session from {row.ip_address or '?'}")
        row.delete()


def end_session_with_password(row: UserSession, *, actor, password: str, request=None) -> None:
    """Ending a session from the account page: the password again first (as for enrolling a second factor), so
    a session left open on a borrowed screen cannot end the owner's other sessions. A wrong password is audited
    (`session_ended`, success = false) and counts towards the lockout; nothing ends."""
    from portal.services.two_factor import check_password_again

    check_password_again(actor, password, event="session_ended", request=request)
    end_session(row, actor=actor, request=request)


def end_other_sessions(user, *, keep: str | None, actor, request=None) -> int:
    rows = [row for row in UserSession.objects.filter(user=user) if row.session_key != keep]
    for row in rows:
        end_session(row, actor=actor, request=request)
    return len(rows)
