"""Page URLs of the agents package (namespace "agents", mounted at /park/)."""

from django.urls import path

from agents.views import authorizations, cases, demands, projects, reports, workspace

app_name = "agents"

urlpatterns = [
    path("", workspace.workspace, name="workspace"),
    path("leader/", workspace.leader, name="leader"),
    path("enterprises/<int:pk>/", workspace.enterprise, name="enterprise"),
    path("activity/", workspace.activity, name="activity"),
    path("authorizations/", authorizations.authorizations, name="authorizations"),
    path("authorizations/<int:pk>/revoke/", authorizations.revoke, name="revoke_authorization"),
    path("authorizations/<int:pk>/letter/", authorizations.power_of_attorney, name="power_of_attorney"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/new/", cases.receive_case, name="receive_case"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("demands/", demands.demand_list, name="demands"),
    path("demands/new/", demands.raise_demand, name="raise_demand"),
    path("demands/<int:pk>/", demands.demand_detail, name="demand"),
    path("demands/<int:pk>/files/<int:attachment_id>/", demands.demand_attachment, name="demand_attachment"),
    path("reports/", reports.reports, name="reports"),
    path("projects/", projects.project_list, name="projects"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
]
