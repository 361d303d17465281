"""The agency pages in the role menu (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.models.users import Role
from portal.navigation import menu_entry

menu_entry("agents:workspace", _("Agency workspace"), order=200, roles=[Role.AGENT])
menu_entry("agents:demands", _("Demands"), order=210,
           roles=[Role.APPLICANT, Role.AGENT, Role.LEADER, Role.ADMIN, Role.SUPERVISOR])
menu_entry("agents:leader", _("My companies"), order=220, roles=[Role.LEADER])
