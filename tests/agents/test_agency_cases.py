"""Agency cases: 接件, 办理, 督办 (by hand, and automatically when a linked review goes red), 反馈."""

import pytest

from agents.models import CaseStatus
from agents.services import cases
from approvals.services.deadlines import sweep
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models import AuditEntry
from tests.factories.applications import accepted_application, frozen, reload, shanghai as at
from tests.factories.portal import EnterpriseFactory

pytestmark = pytest.mark.django_db
NOW = at(2026, 6, 1, 9, 30)


def filed(cat, agent):
    """Accepted Mon 06-01 10:00, filed by the agent: 占用城市绿地审批 (4 working days: due Fri 06-05 17:30) and
    公共场所卫生许可 (3: due Thu 06-04 17:30)."""
    return accepted_application(cat, actor=agent, items=[cat.fee_item, cat.commitment_item])


def receive(cat, agent, now=NOW):
    with frozen(now):
        return cases.receive(actor=agent, enterprise=cat.enterprise, title="办理临空大道绿化占用三件套",
                             description="企业委托代办", materials_received="总平面图、营业执照", now=now)


def test_receive_handle_report_confirm(cat, agent):
    case = receive(cat, agent)
    assert case.status == CaseStatus.RECEIVED and case.reference.startswith("DB20260601")
    application = filed(cat, agent)
    cases.link_application(case, application, actor=agent)
    cases.start_handling(case, actor=agent)
    with pytest.raises(WrongState):
        cases.confirm(case, actor=cat.applicant)
    progress = cases.case_progress(reload(case), now=at(2026, 6, 2, 9, 0))
    assert [p.application.pk for p in progress] == [application.pk]
    assert progress[0].light == "green"
    assert progress[0].next_due_at == at(2026, 6, 4, 17, 30)
    assert cases.case_progress(reload(case), now=at(2026, 6, 4, 17, 31))[0].light == "red"
    with pytest.raises(DomainError):
        cases.report(case, actor=agent, result=" ")
    cases.report(case, actor=agent, result="三项许可均已办结", now=at(2026, 6, 5, 10, 0))
    with pytest.raises(NotAllowed):
        cases.confirm(case, actor=agent)
    cases.reject_report(case, actor=cat.applicant, reason="照明许可证书未收到")
    assert reload(case).status == CaseStatus.HANDLING
    cases.report(case, actor=agent, result="证书已邮寄", now=at(2026, 6, 5, 15, 0))
    cases.confirm(case, actor=cat.applicant, now=at(2026, 6, 5, 16, 0))
    case = reload(case)
    assert case.status == CaseStatus.CONFIRMED and case.confirmed_by == cat.applicant


def test_only_an_agent_serving_or_authorised_by_the_company_receives(cat, stranger_agent):
    with pytest.raises(NotAllowed):
        receive(cat, stranger_agent)
    cat.enterprise.service_agent = stranger_agent  # the company's own agent (一企一专员) needs no authorisation
    cat.enterprise.save(update_fields=["service_agent"])
    assert receive(cat, stranger_agent).agent == stranger_agent


def test_link_refuses_another_companys_application_and_other_agents(cat, agent, stranger_agent):
    case = receive(cat, agent)
    application = filed(cat, agent)
    with pytest.raises(NotAllowed):
        cases.link_application(case, application, actor=stranger_agent)
    application.enterprise = EnterpriseFactory()
    with pytest.raises(DomainError):
        cases.link_application(case, application, actor=agent)


def test_manual_chase_and_back_to_handling(cat, agent):
    case = receive(cat, agent)
    cases.chase(case, actor=cat.leader, note="请规划部门加快审查", now=at(2026, 6, 3, 9, 0))
    case = reload(case)
    assert case.status == CaseStatus.CHASING and case.chasing_since == at(2026, 6, 3, 9, 0)
    cases.start_handling(case, actor=agent)
    assert reload(case).status == CaseStatus.HANDLING


def test_a_linked_review_going_red_chases_the_case_once(cat, agent):
    case = receive(cat, agent)
    application = filed(cat, agent)
    cases.link_application(case, application, actor=agent)
    cases.start_handling(case, actor=agent)
    sweep(now=at(2026, 6, 4, 17, 0))  # yellow only
    assert reload(case).status == CaseStatus.HANDLING
    sweep(now=at(2026, 6, 8, 9, 0))
    sweep(now=at(2026, 6, 8, 9, 5))
    case = reload(case)
    assert case.status == CaseStatus.CHASING
    assert case.chasing_since == at(2026, 6, 8, 9, 0)
    assert application.reference in case.chase_note
    chasing = AuditEntry.objects.filter(event="agency_case.chasing", subject_id=str(case.pk))
    assert chasing.count() == 1
    assert chasing.get().data["automatic"] is True
