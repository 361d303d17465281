"""Workspace panels owned by the portal: the user's enterprise, account security, background processes."""

from datetime import timedelta

from django.utils import timezone

from portal.models import Heartbeat
from portal.models.users import Role
from portal.workspace import panel

EVERYONE = tuple(Role.values)


@panel("enterprise", roles=[Role.APPLICANT], template="portal/panels/enterprise.html", order=10)
def enterprise_panel(request):
    enterprise = request.user.enterprise
    if enterprise is None:
        return None
    return {"enterprise": enterprise}


@panel("security", roles=EVERYONE, template="portal/panels/security.html", order=900)
def security_panel(request):
    return {"has_device": request.user.has_confirmed_device(), "needs": request.user.needs_second_factor}


@panel("processes", roles=[Role.ADMIN], template="portal/panels/processes.html", order=50)
def processes_panel(request, now=None):
    now = now or timezone.now()
    beats = {h.name: h for h in Heartbeat.objects.all()}
    rows = []
    for name in ("beat", "worker"):
        beat = beats.get(name)
        rows.append({"name": name, "beat": beat, "alive": bool(beat and now - beat.last_seen < timedelta(minutes=3))})
    return {"rows": rows}
