"""The ten-step track (十步骤) of an investment project and its 三即 milestones (seed 000).

The article names the first five key points; the other five follow the approvals of the 三即 (签约即供地,
交地即交证, 拿证即开工) in the order a project meets them (docs/agency.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TEN_STEPS = [
    (1, "项目初步达成投资意向时", "提前对接规划、用地条件，明确项目落地所需手续清单"),
    (2, "获得规划条件函后", "组织方案预研，对接规划部门预审"),
    (3, "方案预研审定后至土地招拍挂公告到期前", "同步准备用地规划、工程规划申请材料，开展前置预审"),
    (4, "在土地招拍挂公告期间", "准备“两证”或“三表一承诺”申报材料，预约联合审批"),
    (5, "签订土地出让合同后", "签约即供地：办理土地交付手续"),
    (6, "取得《建设用地规划许可证》后", "同步推进建设工程规划许可申报"),
    (7, "交地时", "交地即交证：同日办结不动产权证、建设用地规划许可证、建设工程规划许可证"),
    (8, "取得《建设工程规划许可证》后", "对接施工图审查、消防和人防设计审查"),
    (9, "施工许可阶段", "“三表一承诺”一个工作日办结施工许可"),
    (10, "开工建设", "拿证即开工：组织开工，跟踪建设进度"),
]


class InvestmentProject(models.Model):
    enterprise = models.ForeignKey("portal.Enterprise", on_delete=models.PROTECT, related_name="projects",
                                   verbose_name=_("enterprise"))
    name = models.CharField(_("project"), max_length=200)
    plot = models.CharField(_("plot"), max_length=128, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects",
                              null=True, blank=True, verbose_name=_("owner (service agent)"))
    contract_signed_on = models.DateField(_("investment contract signed on"), null=True, blank=True)
    land_supplied_on = models.DateField(_("land supplied on"), null=True, blank=True)
    land_handed_over_on = models.DateField(_("land handed over on"), null=True, blank=True)
    construction_started_on = models.DateField(_("construction started on"), null=True, blank=True)
    # The project's own bundles (linked by the park, checked against the company and the plot): its 三即
    # milestones are computed from these only, never from the company's other projects.
    applications = models.ManyToManyField("approvals.Application", blank=True, related_name="investment_projects",
                                          verbose_name=_("applications of the project"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class ProjectStep(models.Model):
    project = models.ForeignKey(InvestmentProject, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    name = models.CharField(_("key point"), max_length=128)
    park_work = models.TextField(_("what the park does"), blank=True)
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                              blank=True, verbose_name=_("owner"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("project step")
        verbose_name_plural = _("project steps")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="project_step_once")]

    def __str__(self):
        return f"{self.project} · {self.number}. {self.name}"
