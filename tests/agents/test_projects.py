"""The ten-step track and the 三即 milestones from real events: certificates signed by the chief through the
review services (GH-XK-001, GH-XK-002, GH-DJ-001), counted only from the bundles linked to the project (its
own plot), never from the company's other projects."""

from datetime import date

import pytest

from agents.models import TEN_STEPS
from agents.services import projects
from portal.errors import DomainError, NotAllowed
from tests.factories.agents import certificate_items, link_fields
from tests.factories.applications import decided_application, draft_application, reload, shanghai as at
from tests.factories.approvals import FormFieldFactory
from tests.factories.portal import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificates(cat):
    items = certificate_items(cat.departments[0])
    link_fields(items, cat.fields, cat.materials)
    return items


@pytest.fixture
def project(cat, agent):
    return projects.create_project(actor=agent, enterprise=cat.enterprise, name="连年佳智能装备生产基地",
                                   plot="临空前沿科技城 C12-3/02 地块", contract_signed_on=date(2026, 5, 25),
                                   owner=agent)


def by_key(project):
    return {m.key: m for m in projects.milestones(reload(project))}


def certificates_signed(cat, agent, project, certificates, when):
    """The three certificates decided and signed at `when`, in one bundle linked to `project`."""
    application = decided_application(cat, items=certificates, now=when)
    projects.link_application(project, application, actor=agent)
    return application


def test_ten_steps_are_created_and_updated(cat, agent, project):
    steps = list(project.steps.order_by("number"))
    assert [s.number for s in steps] == list(range(1, 11))
    assert [s.name for s in steps] == [name for _n, name, _w in TEN_STEPS]
    assert all(s.owner == agent for s in steps)
    projects.update_step(steps[0], actor=agent, planned_on=date(2026, 4, 1), done_on=date(2026, 4, 2),
                         note="投资意向书已签")
    step = reload(steps[0])
    assert (step.planned_on, step.done_on, step.note) == (date(2026, 4, 1), date(2026, 4, 2), "投资意向书已签")
    with pytest.raises(DomainError):
        projects.update_step(steps[1], actor=agent)
    with pytest.raises(NotAllowed):
        projects.update_step(steps[1], actor=cat.applicant, note="x")
    with pytest.raises(DomainError):
        projects.record_milestone(project, actor=agent, field="name", date=date(2026, 6, 1))


def test_san_ji_from_real_events_handover_day_certificates_met(cat, agent, project, certificates):
    assert [m.working_days for m in projects.milestones(project)] == [None, None, None]
    projects.record_milestone(project, actor=agent, field="land_supplied_on", date=date(2026, 5, 29))
    projects.record_milestone(project, actor=agent, field="land_handed_over_on", date=date(2026, 6, 3))
    assert by_key(project)["handover_to_certificates"].end_on is None  # nothing signed yet

    certificates_signed(cat, agent, project, certificates, at(2026, 6, 3, 10, 0))  # the chief signs that day
    projects.record_milestone(project, actor=agent, field="construction_started_on", date=date(2026, 6, 5))
    milestones = by_key(project)
    # Mon 05-25 -> Fri 05-29: Tue, Wed, Thu, Fri = 4 working days.
    assert (milestones["contract_to_land"].working_days, milestones["contract_to_land"].same_day) == (4, False)
    handover = milestones["handover_to_certificates"]
    assert (handover.end_on, handover.working_days, handover.same_day) == (date(2026, 6, 3), 0, True)
    assert milestones["certificates_to_construction"].working_days == 2  # Thu 06-04, Fri 06-05


def test_certificates_a_day_late_miss_the_same_day_promise(cat, agent, project, certificates):
    certificates_signed(cat, agent, project, certificates, at(2026, 6, 2, 10, 0))  # before the handover: not counted
    projects.record_milestone(project, actor=agent, field="land_handed_over_on", date=date(2026, 6, 3))
    assert by_key(project)["handover_to_certificates"].end_on is None
    certificates_signed(cat, agent, project, certificates, at(2026, 6, 4, 10, 0))
    handover = by_key(project)["handover_to_certificates"]
    assert (handover.end_on, handover.working_days, handover.same_day) == (date(2026, 6, 4), 1, False)


def test_only_the_park_creates_projects(cat, agent):
    with pytest.raises(NotAllowed):
        projects.create_project(actor=cat.applicant, enterprise=cat.enterprise, name="x", owner=agent)
    with pytest.raises(DomainError):
        projects.create_project(actor=agent, enterprise=cat.enterprise, name="x", owner=cat.applicant)


# --- per project (issue 8, item 7) ------------------------------------------------------------------------------
def test_a_second_project_of_the_company_does_not_borrow_the_first_ones_certificates(cat, agent, project,
                                                                                       certificates):
    projects.record_milestone(project, actor=agent, field="land_handed_over_on", date=date(2026, 6, 3))
    certificates_signed(cat, agent, project, certificates, at(2026, 6, 3, 10, 0))
    second = projects.create_project(actor=agent, enterprise=cat.enterprise, name="连年佳二期仓储中心",
                                     plot="临空前沿科技城 D07-1/01 地块", owner=agent)
    projects.record_milestone(second, actor=agent, field="land_handed_over_on", date=date(2026, 6, 3))

    handover = by_key(second)["handover_to_certificates"]
    assert (handover.end_on, handover.working_days, handover.same_day) == (None, None, None)
    assert projects.certificate_signatures(reload(second)) == {}
    assert by_key(project)["handover_to_certificates"].same_day is True


def test_unlinked_certificates_of_the_company_do_not_count(cat, agent, project, certificates):
    projects.record_milestone(project, actor=agent, field="land_handed_over_on", date=date(2026, 6, 3))
    decided_application(cat, items=certificates, now=at(2026, 6, 3, 10, 0))  # not linked to the project

    assert by_key(project)["handover_to_certificates"].end_on is None


@pytest.fixture
def parcel_field(cat, certificates):
    field = FormFieldFactory(key="land_parcel_no", label="宗地（地块）编号")
    for item in certificates:
        item.item_fields.create(field=field, order=2, required=False)
    return field


def test_a_bundle_is_linked_to_the_project_of_its_own_company_and_plot(cat, agent, project, certificates,
                                                                       parcel_field):
    own = draft_application(cat, items=certificates, form={"project_name": "一期", "land_parcel_no": "C12-3/02"})
    projects.link_application(project, own, actor=agent)
    projects.link_application(project, own, actor=agent)  # twice: nothing more
    assert list(reload(project).applications.all()) == [own]

    other_plot = draft_application(cat, items=certificates,
                                   form={"project_name": "二期", "land_parcel_no": "D07-1/01"})
    with pytest.raises(DomainError, match="D07-1/01"):
        projects.link_application(project, other_plot, actor=agent)
    stranger = UserFactory(applicant=True, enterprise=EnterpriseFactory())
    from approvals.services import applications

    foreign = applications.create_draft(actor=stranger, enterprise=stranger.enterprise,
                                        item_codes=[c.code for c in certificates])
    with pytest.raises(DomainError, match="another company"):
        projects.link_application(project, foreign, actor=agent)
    with pytest.raises(NotAllowed):
        projects.link_application(project, own, actor=cat.applicant)
    assert list(reload(project).applications.all()) == [own]

    projects.unlink_application(project, own, actor=agent)
    assert not reload(project).applications.exists()


# --- the 三即 figures of the supervision dashboard (docs/metrics.md#san-ji) --------------------------------------
def test_san_ji_figures_count_the_milestones_met_the_same_day(cat, agent, project, certificates):
    """Project 1: contract Mon 05-25, land Fri 05-29 (late), handover 06-03, certificates 06-03 (met), construction
    06-05 (late). Project 2: contract and land 06-10 (met), handover 06-11, certificates 06-12 (a day late),
    construction 06-12 (met). The SQL figures agree with `projects.milestones` of each project."""
    from agents.metrics import projects_with_milestones, san_ji_figures
    from approvals.metrics import Filters

    for field, day in (("land_supplied_on", date(2026, 5, 29)), ("land_handed_over_on", date(2026, 6, 3)),
                       ("construction_started_on", date(2026, 6, 5))):
        projects.record_milestone(project, actor=agent, field=field, date=day)
    certificates_signed(cat, agent, project, certificates, at(2026, 6, 3, 10, 0))
    second = projects.create_project(actor=agent, enterprise=cat.enterprise, name="二期", plot="D07-1/01",
                                     contract_signed_on=date(2026, 6, 10), owner=agent)
    for field, day in (("land_supplied_on", date(2026, 6, 10)), ("land_handed_over_on", date(2026, 6, 11)),
                       ("construction_started_on", date(2026, 6, 12))):
        projects.record_milestone(second, actor=agent, field=field, date=day)
    certificates_signed(cat, agent, second, certificates, at(2026, 6, 12, 10, 0))

    in_sql = {p.pk: p.certificates_on for p in projects_with_milestones()}
    for p in (project, second):
        assert in_sql[p.pk] == by_key(p)["handover_to_certificates"].end_on
    assert in_sql == {project.pk: date(2026, 6, 3), second.pk: date(2026, 6, 12)}

    def figures(**period):
        return {fig.key: fig.value for fig in san_ji_figures(Filters(**period), now=at(2026, 6, 30, 10, 0))}

    assert figures(start=at(2026, 5, 1, 0, 0), end=at(2026, 7, 1, 0, 0)) == {
        "san_ji_contract_to_land": 1, "san_ji_contract_to_land_rate": 0.5,
        "san_ji_handover_to_certificates": 1, "san_ji_handover_to_certificates_rate": 0.5,
        "san_ji_certificates_to_construction": 1, "san_ji_certificates_to_construction_rate": 0.5}
    assert figures(start=at(2026, 6, 4, 0, 0), end=at(2026, 7, 1, 0, 0)) == {
        "san_ji_contract_to_land": 1, "san_ji_contract_to_land_rate": 1.0,
        "san_ji_handover_to_certificates": 0, "san_ji_handover_to_certificates_rate": 0.0,
        "san_ji_certificates_to_construction": 1, "san_ji_certificates_to_construction_rate": 0.5}
    assert figures(start=at(2026, 7, 1, 0, 0))["san_ji_contract_to_land_rate"] is None
    assert figures(department=cat.departments[0].pk)["san_ji_contract_to_land"] == 0
