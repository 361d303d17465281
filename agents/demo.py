"""Demo data of the park's agency service: authorisations, demands in several states, an agency case and an
investment project on the ten-step track. Loaded by `manage.py seed_demo` after the district; idempotent."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from agents.models import AgencyCase, Authorization, AuthorizationScope, Demand, InvestmentProject, Stewardship
from agents.services import authorizations, cases, demands, projects
from approvals.documents.pdf import render_pdf
from approvals.models import Package
from approvals.services import applications
from portal.models import Enterprise, User

DAJIANG = "重庆大江北辰新能源汽车产业发展有限公司"
LANGHUA = "重庆朗桦房地产开发有限公司"
LIANNIANJIA = "重庆连年佳机械制造有限公司"


_rendered: dict[tuple, bytes] = {}  # rendering takes ~0.3 s; tests seed many times in one process


def _power_of_attorney(enterprise, agent, granted_by, valid_from, valid_until, scope_text):
    key = (enterprise.credit_code, agent.username, granted_by.username, valid_from, valid_until, scope_text)
    if key not in _rendered:
        _rendered[key] = render_pdf("pdf/power_of_attorney.html", {
            "enterprise": enterprise, "agent": agent, "granted_by": granted_by, "valid_from": valid_from,
            "valid_until": valid_until, "scope_text": scope_text})
    content = _rendered[key]
    return SimpleUploadedFile("授权委托书.pdf", content, content_type="application/pdf")


def _authorise(enterprise, agent, granted_by, *, scope, packages=(), scope_text, today):
    if Authorization.objects.filter(enterprise=enterprise, agent=agent, revoked_at__isnull=True).exists():
        return 0
    valid_from, valid_until = date(today.year, 1, 1), date(today.year, 12, 31)
    authorizations.grant(actor=granted_by, enterprise=enterprise, agent=agent, scope=scope, packages=packages,
                         valid_from=valid_from, valid_until=valid_until,
                         power_of_attorney=_power_of_attorney(enterprise, agent, granted_by, valid_from,
                                                              valid_until, scope_text))
    return 1


def _stewardships():
    created = 0
    for enterprise in Enterprise.objects.filter(stewardships__isnull=True).exclude(leader=None, service_agent=None):
        Stewardship.objects.create(enterprise=enterprise, leader=enterprise.leader, agent=enterprise.service_agent,
                                   since=enterprise.created_at, reason="演示数据：初始分工")
        created += 1
    return created


def _demand(enterprise, raised_by, title, text, category, raised_at):
    existing = Demand.objects.filter(enterprise=enterprise, title=title).first()
    if existing is not None:
        return existing, False
    return demands.raise_demand(actor=raised_by, enterprise=enterprise, title=title, text=text, category=category,
                                now=raised_at), True


def _demands(dajiang, langhua, applicant, applicant_lh, agent, leader, now):
    created = 0
    # Closed off: a small problem resolved within the hour and confirmed by the company.
    demand, new = _demand(dajiang, applicant, "厂区门口路灯不亮", "临空大道厂区南门两盏路灯夜间不亮，影响夜班通行。",
                          "utilities", now - timedelta(days=6))
    if new:
        created += 1
        demands.classify(demand, actor=agent, classification="small", owner=agent, now=demand.raised_at)
        demands.resolve(demand, actor=agent, resolution="已联系城管照明所更换灯具，当晚恢复照明。",
                        now=demand.raised_at + timedelta(minutes=50))
        demands.confirm(demand, actor=applicant, now=demand.raised_at + timedelta(hours=3))
    # Open and overdue: a general demand nobody resolved (red, escalated by the sweep).
    demand, new = _demand(dajiang, applicant, "申请临时施工用电增容", "二期厂房调试需要临时增容800千伏安，请协调供电部门。",
                          "utilities", now - timedelta(days=8))
    if new:
        created += 1
        demands.classify(demand, actor=agent, classification="general", owner=agent, now=demand.raised_at)
    # Big: a solution plan proposed within 2 working days, now carried out on its own dates.
    demand, new = _demand(dajiang, applicant, "园区道路雨后积水", "厂区北侧道路每逢大雨积水超过20厘米，货车无法通行。",
                          "environment", now - timedelta(days=3))
    if new:
        created += 1
        demands.classify(demand, actor=agent, classification="big", owner=agent, now=demand.raised_at)
        demands.propose_plan(demand, actor=agent, plan="一期疏通排水管网，二期改造道路纵坡，由城管和住建联合实施。",
                             plan_due_date=timezone.localdate(now) + timedelta(days=45),
                             now=demand.raised_at + timedelta(hours=5))
    # Small and running: raised just now by the agent for the company.
    demand, new = _demand(dajiang, agent, "咨询高新技术企业认定材料", "请告知高企认定需要提交的材料清单和受理窗口。",
                          "policy", now - timedelta(minutes=20))
    if new:
        created += 1
        demands.classify(demand, actor=agent, classification="small", owner=agent, now=now)
    # Raised, waiting for the park to classify it.
    _demand_row, new = _demand(langhua, applicant_lh, "项目周边停车位不足", "售楼部周边缺少临时停车位，请协调设置。",
                               "other", now - timedelta(hours=2))
    created += new
    return created


def _project_bundle(project, applicant, agent):
    """The project's own 交地即办证 bundle (a draft for its plot), linked to it: the 三即 count from it only."""
    package = Package.objects.filter(code="land-handover-certificates").first()
    if package is None:
        return
    draft = applications.create_draft(actor=applicant, enterprise=project.enterprise, package=package,
                                      title=f"{project.name}：交地即办证")
    applications.save_form(draft, actor=applicant, data={
        "project_name": project.name, "land_parcel_no": "C12-3/02", "land_area_m2": "52000",
        "site_address": "重庆市渝北区临空前沿科技城 C12-3/02 地块"})
    projects.link_application(project, draft, actor=agent)


def _more_cases(dajiang, langhua, agent, agent2, leader, users, now) -> int:
    """A case the leader chased (督办), and one reported and confirmed by the company (反馈, 办结)."""
    created = 0
    title = "代办二期厂房消防设计审查"
    if not AgencyCase.objects.filter(enterprise=dajiang, title=title).exists():
        case = cases.receive(actor=agent, enterprise=dajiang, title=title,
                             description="企业委托代办二期厂房特殊建设工程消防设计审查。",
                             materials_received="消防设计文件（电子版）", now=now - timedelta(days=9))
        cases.start_handling(case, actor=agent, now=now - timedelta(days=9))
        cases.chase(case, actor=leader, note="请于本周内反馈审查进展。", now=now - timedelta(days=3))
        created += 1
    title = "代办城市道路挖掘占用许可"
    if not AgencyCase.objects.filter(enterprise=langhua, title=title).exists():
        case = cases.receive(actor=agent2, enterprise=langhua, title=title,
                             description="企业委托代办悦港大道北侧管线接入的道路挖掘许可。",
                             materials_received="施工方案、交通组织方案（纸质各一份）", now=now - timedelta(days=15))
        cases.start_handling(case, actor=agent2, now=now - timedelta(days=15))
        cases.report(case, actor=agent2, result="已取得市政设施建设类准予行政许可决定书，电子证照已送达。",
                     now=now - timedelta(days=10))
        cases.confirm(case, actor=users["applicant_lh"], now=now - timedelta(days=9))
        created += 1
    return created


def load_agency_demo(now=None) -> dict:
    """Load (or leave as they are) the agency demo rows; returns what was created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    users = {u.username: u for u in User.objects.filter(
        username__in=["agent", "agent2", "leader", "applicant", "applicant_lh", "applicant_lnj"])}
    enterprises = {e.name: e for e in Enterprise.objects.filter(name__in=[DAJIANG, LANGHUA, LIANNIANJIA])}
    if len(users) < 6 or len(enterprises) < 3:
        return {"skipped": "the demo district is not loaded"}
    dajiang, langhua, liannianjia = enterprises[DAJIANG], enterprises[LANGHUA], enterprises[LIANNIANJIA]
    agent, agent2, leader = users["agent"], users["agent2"], users["leader"]
    counts = {}
    with transaction.atomic():
        counts["stewardships"] = _stewardships()
        counts["authorisations"] = _authorise(dajiang, agent, users["applicant"], scope=AuthorizationScope.ALL,
                                              scope_text="本单位全部审批事项", today=today)
        trio = Package.objects.filter(code="cg-trio").first()
        if trio is not None:
            counts["authorisations"] += _authorise(langhua, agent2, users["applicant_lh"],
                                                   scope=AuthorizationScope.LISTED, packages=[trio],
                                                   scope_text=f"“{trio.name}”所含事项", today=today)
        counts["demands"] = _demands(dajiang, langhua, users["applicant"], users["applicant_lh"], agent, leader,
                                     now)
        counts["agency cases"] = 0
        title = "代办交地即办证：不动产权证和两个规划许可证"
        if not AgencyCase.objects.filter(enterprise=dajiang, title=title).exists():
            case = cases.receive(actor=agent, enterprise=dajiang, title=title,
                                 description="企业委托代办二期厂房地块交地当日的三本证书。",
                                 materials_received="土地出让合同、宗地图、建设工程设计方案（纸质各一份）",
                                 now=now - timedelta(days=2))
            cases.start_handling(case, actor=agent, now=now - timedelta(days=2))
            counts["agency cases"] = 1
        counts["agency cases"] += _more_cases(dajiang, langhua, agent, agent2, leader, users, now)
        counts["projects"] = 0
        name = "连年佳智能装备生产基地"
        if not InvestmentProject.objects.filter(enterprise=liannianjia, name=name).exists():
            contract = today - timedelta(days=40)
            project = projects.create_project(actor=agent, enterprise=liannianjia, name=name,
                                              plot="临空前沿科技城 C12-3/02 地块", contract_signed_on=contract,
                                              owner=agent)
            projects.record_milestone(project, actor=agent, field="land_supplied_on", date=contract + timedelta(3))
            for step, days in zip(project.steps.order_by("number")[:5], (-90, -60, -45, -20, 3)):
                projects.update_step(step, actor=agent, planned_on=contract + timedelta(days),
                                     done_on=contract + timedelta(days))
            for step, days in zip(project.steps.order_by("number")[5:], (20, 45, 50, 55, 60)):
                projects.update_step(step, actor=agent, planned_on=contract + timedelta(days))
            _project_bundle(project, users["applicant_lnj"], agent)
            counts["projects"] = 1
    return counts
