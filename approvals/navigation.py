"""The approvals pages in the role menu (portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.models.users import Role
from portal.navigation import menu_entry

menu_entry("approvals:my_applications", _("My applications"), order=100, roles=[Role.APPLICANT])
menu_entry("approvals:desk", _("Acceptance desk"), order=110, roles=[Role.CLERK])
menu_entry("approvals:inbox", _("Review inbox"), order=120, roles=[Role.STAFF, Role.CHIEF])
menu_entry("approvals:extensions", _("Extensions"), order=130, roles=[Role.LEADER])
menu_entry("approvals:escalations", _("Warnings and escalations"), order=140, roles=[Role.STAFF, Role.CHIEF])
menu_entry("approvals:overdue_board", _("Overdue board"), order=150,
           roles=[Role.LEADER, Role.SUPERVISOR, Role.ADMIN])
menu_entry("approvals:catalog", _("Service catalog"), order=300, public=True)
menu_entry("approvals:lookup", _("Progress lookup"), order=305, public=True)
menu_entry("approvals:packages", _("Packages"), order=310)
menu_entry("approvals:calendar", _("Working-day calendar"), order=320)
menu_entry("approvals:awaiting_rating", _("To rate (待评价)"), order=105, roles=[Role.APPLICANT])
menu_entry("approvals:rectifications", _("Rectifications (差评整改)"), order=145,
           roles=[Role.STAFF, Role.CHIEF, Role.LEADER, Role.ADMIN, Role.SUPERVISOR])
menu_entry("approvals:supervision", _("Supervision dashboard"), order=155,
           roles=[Role.LEADER, Role.SUPERVISOR, Role.ADMIN])
menu_entry("approvals:pain_points", _("Pain points"), order=156, roles=[Role.LEADER, Role.SUPERVISOR, Role.ADMIN])
