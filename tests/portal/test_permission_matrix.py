"""The permission matrix: every URL pattern and every API operation, against thirteen callers, allow or deny.

Callers (columns, in this order):
    an  anonymous
    aA  applicant of company A (owns the application, the demand, the case, the project)
    aB  applicant of company B
    gI  park agent authorised by company A          gO  park agent nobody authorised
    cX  window clerk of department X (the lead)
    sX  staff of X        sY  staff of department Y
    hX  chief of X        hY  chief of Y
    ld  leader (answers for company A)    ad  administrator    su  supervisor

Each probe runs in a savepoint that is rolled back, so a caller who may act changes nothing for the next one.
"allow" means the request reached the operation: any answer but 401, 403, 404, 405 or a redirect to the login
page (an allowed POST without a body may well answer 400 or 409). Objects are company A's and department X's,
so a "deny" for aB, gO, sY/hY is the object-level rule holding.

A URL pattern or API operation added without a row here fails `test_every_route_has_a_row`.

Known weak rows (every caller denied because the world has no such object): a certificate number to verify, a
demand attachment, a project step. The object-level rules of those are held by their own tests
(tests/approvals/documents, tests/agents). The world has an issued document of company A's application, a bad
rating of another of its applications (so a rectification case in department X) and a supervisor's pain point.
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from agents.models import DemandAttachment
from agents.services import cases, projects
from approvals.calendar.loading import invalidate
from approvals.calendar.seeding import load_from_chinesecalendar
from approvals.documents import keystore
from approvals.documents.catalog_notice import catalog_notice
from approvals.documents.issuing import issue
from approvals.models import AfterCheck, IssuedDocument, RatingLevel
from approvals.services import pain_points, ratings
from portal.models import UserSession
from portal.services.tokens import issue_token
from tests.factories.agents import authorise_around_today, raised_demand
from tests.factories.applications import decided_application, decided_on_commitment, draft_application, make_catalog
from tests.factories.portal import EnterpriseFactory, UserFactory, signed_in_client

pytestmark = pytest.mark.django_db

CALLERS = ["an", "aA", "aB", "gI", "gO", "cX", "sX", "sY", "hX", "hY", "ld", "ad", "su"]
DENIED = {401, 403, 404, 405}
MISSING = 999999


# --- the world ----------------------------------------------------------------------------------------------
@pytest.fixture
def world(db):
    invalidate()
    load_from_chinesecalendar(years=[2026])
    cat = make_catalog()
    x, y = cat.departments[0], cat.departments[1]
    cat.enterprise.leader = cat.leader
    cat.enterprise.save(update_fields=["leader"])
    company_b = EnterpriseFactory()
    agent_in = UserFactory(role="agent", username="agent_in")
    authorization = authorise_around_today(cat.enterprise, agent_in, by=cat.applicant)
    application = decided_on_commitment(cat)
    draft = draft_application(cat)
    review = application.reviews.filter(department=x).first()
    now = timezone.now()
    case = cases.receive(actor=agent_in, enterprise=cat.enterprise, title="用地手续代办", now=now)
    demand = raised_demand(cat, now=now)
    users_su = UserFactory(role="supervisor")
    project = projects.create_project(actor=agent_in, enterprise=cat.enterprise, name="新能源汽车零部件项目", now=now)
    users = {
        "aA": cat.applicant, "aB": UserFactory(role="applicant", enterprise=company_b), "gI": agent_in,
        "gO": UserFactory(role="agent", username="agent_out"), "cX": cat.clerk,
        "sX": cat.staff_of(x), "sY": cat.staff_of(y), "hX": cat.chief_of(x), "hY": cat.chief_of(y),
        "ld": cat.leader, "ad": UserFactory(admin=True), "su": users_su,
    }
    # The public 一次性告知单 are rendered once here (each probe is rolled back, a render per probe is slow).
    keystore.init(list(cat.departments))
    catalog_notice(cat.fee_item)
    catalog_notice(cat.package)
    # An issued document of the application, a decided application's bad rating (which opens a rectification case in the
    # department concerned) and a supervisor's pain point about it.
    document = IssuedDocument.objects.filter(application=application).order_by("pk").first()
    document = issue(document.pk) if document else None
    decided = decided_application(cat)
    rating = ratings.rate(decided, actor=cat.applicant, level=RatingLevel.VERY_DISSATISFIED, text="材料要求反复")
    pain_point = pain_points.flag(actor=users_su, application=application, description="补正清单前后不一")
    attachment = DemandAttachment.objects.filter(demand=demand).first()
    ids = {
        "application": application.pk, "draft": draft.pk, "decided": decided.pk, "review": review.pk,
        "material": application.materials.filter(is_current=True).first().pk,
        "document": document.pk if document else MISSING,
        "after_check": AfterCheck.objects.filter(review__application=application).first().pk,
        "authorization": authorization.pk, "case": case.pk, "demand": demand.pk,
        "attachment": attachment.pk if attachment else MISSING, "project": project.pk,
        "enterprise": cat.enterprise.pk, "item": cat.fee_item.code, "package": cat.package.code,
        "department": x.code, "rating": rating.pk, "rectification": rating.rectification.pk,
        "pain_point": pain_point.pk,
        "session": UserSession.objects.create(user=cat.applicant, session_key="s" * 32).pk,
        "token": issue_token(cat.applicant)[0].pk,
    }
    yield users, ids
    invalidate()


def client_for(user) -> Client:
    return signed_in_client(user, "en")


# --- the routes ---------------------------------------------------------------------------------------------
def web_routes():
    """Every named URL pattern outside /api/ and the Django admin (the admin has its own tests)."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if getattr(entry, "app_name", None) == "admin":
                    continue
                walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                if not route.startswith("api/"):
                    found.append((f"{namespace}:{entry.name}" if namespace else entry.name, route))

    walk(get_resolver().url_patterns, "", None)
    return found


def api_operations():
    """Every operation of the generated OpenAPI schema: (METHOD, path template)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), path) for path, item in schema["paths"].items() for method in item
            if method in {"get", "post", "put", "patch", "delete"}]


PARAMS = {
    # web route name -> which id fills its <pk> (and friends)
    "application": "application", "application_form": "draft", "application_materials": "draft",
    "material_file": "application", "application_supplement": "application", "withdraw_application": "draft",
    "desk_application": "application", "desk_handover": "application", "review": "review",
    "review_opinion": "review", "review_suspend": "review", "review_resume": "review", "review_decide": "review",
    "review_sign": "review", "after_check": "after_check", "extension": "review", "enterprise": "enterprise",
    "revoke_authorization": "authorization", "power_of_attorney": "authorization", "case": "case",
    "demand": "demand", "demand_attachment": "demand", "end_session": "session", "end_token": "token",
    "project": "project", "document_download": "document", "document": "document",
    "application_check": "draft", "application_submitted": "application", "rate_application": "decided",
    "rectification": "rectification", "pain_point": "pain_point",
    # API path prefix -> which id fills {pk} / {id}
    "applications": "application", "reviews": "review", "after-checks": "after_check", "documents": "document",
    "enterprises": "enterprise", "authorizations": "authorization", "agency-cases": "case", "demands": "demand",
    "projects": "project", "ratings": "rating", "rectifications": "rectification", "pain-points": "pain_point",
}


def fill(route: str, key: str, ids: dict) -> str:
    def value(name):
        if name == "pk" or name == "id":
            return ids[PARAMS[key]]
        return {"file_id": ids["material"], "attachment_id": ids["attachment"], "code": ids["item"],
                "number": "NO-SUCH-NUMBER"}.get(name, 1)

    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(value(m.group(1))), route)
    url = re.sub(r"\{(\w+)\}", lambda m: str(value(m.group(1))), url)
    return "/" + url.lstrip("/")


def api_key(method, path):
    return f"{method} {path}"


def probe(client, method, url, body=b"{}") -> str:
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)  # a logout or an ended session must not leak into the next probe
    with transaction.atomic():
        response = client.generic(method, url, data=body if method != "GET" else "",
                                  content_type="application/json")
        transaction.set_rollback(True)
    client.cookies = cookies
    if response.status_code in DENIED or (response.status_code == 302 and "/login/" in response["Location"]):
        return "."
    return "v" if response.status_code == 400 else "Y"


def observed(world):
    users, ids = world
    clients = {"an": client_for(None), **{code: client_for(user) for code, user in users.items()}}
    rows = {}
    targets = []
    for name, route in web_routes():
        short = name.split(":")[-1]
        url = fill(route.replace("<slug:code>", ids["package"]), short, ids)  # packages are named by slug
        targets.append((f"GET {name}", "GET", url))
        targets.append((f"POST {name}", "POST", url))
    for method, path in api_operations():
        prefix = path.split("/")[3] if path.count("/") > 3 else ""
        url = path
        if "{code}" in path:
            url = url.replace("{code}", ids["package"] if prefix == "packages" else
                              ids["department"] if prefix == "departments" else ids["item"])
        targets.append((api_key(method, path), method, fill(url, prefix, ids)))
    for key, method, url in targets:
        rows[key] = "".join(probe(clients[code], method, url) for code in CALLERS)
    return rows


# Y: reached the operation    v: input refused (400) before the operation could tell    .: denied
# For POSTs sent without a body, "v" for a caller who can see the object is expected: the body is checked first,
# the role after (e.g. the applicant's 400 on /confirm-payment/ would be a 403 with a payment code). The callers
# who cannot see the object get "." (404) whatever they send.
# One character per caller, in the order of CALLERS: an aA aB gI gO cX sX sY hX hY ld ad su
EXPECTED = {
    "GET portal:home":                                    ".YYYYYYYYYYYY",
    "POST portal:home":                                   ".YYYYYYYYYYYY",
    "GET portal:login":                                   "YYYYYYYYYYYYY",
    "POST portal:login":                                  "YYYYYYYYYYYYY",
    "GET portal:logout":                                  ".............",
    "POST portal:logout":                                 ".............",
    "GET portal:account":                                 ".YYYYYYYYYYYY",
    "POST portal:account":                                ".YYYYYYYYYYYY",
    "GET portal:enrol_totp":                              ".YYYYYYYYYYYY",
    "POST portal:enrol_totp":                             ".YYYYYYYYYYYY",
    "GET portal:password_change":                         ".YYYYYYYYYYYY",
    "POST portal:password_change":                        ".YYYYYYYYYYYY",
    "GET portal:end_session":                             ".Y...........",
    "POST portal:end_session":                            ".Y...........",
    "GET portal:end_token":                               ".Y...........",
    "POST portal:end_token":                              ".Y...........",
    "GET portal:notifications":                           ".YYYYYYYYYYYY",
    "POST portal:notifications":                          ".YYYYYYYYYYYY",
    "GET portal:notifications_read":                      ".............",
    "POST portal:notifications_read":                     ".YYYYYYYYYYYY",
    "GET portal:care_mode":                             ".............",
    "POST portal:care_mode":                            "YYYYYYYYYYYYY",
    "GET portal:audit_export":                          "...........YY",
    "POST portal:audit_export":                         ".............",
    "GET portal:healthz":                                 "YYYYYYYYYYYYY",
    "POST portal:healthz":                                "YYYYYYYYYYYYY",
    "GET approvals:catalog":                              "YYYYYYYYYYYYY",
    "POST approvals:catalog":                             "YYYYYYYYYYYYY",
    "GET approvals:item":                                 "YYYYYYYYYYYYY",
    "POST approvals:item":                                "YYYYYYYYYYYYY",
    "GET approvals:packages":                             "YYYYYYYYYYYYY",
    "POST approvals:packages":                            "YYYYYYYYYYYYY",
    "GET approvals:package":                              "YYYYYYYYYYYYY",
    "POST approvals:package":                             "YYYYYYYYYYYYY",
    "GET approvals:item_notice":                          "YYYYYYYYYYYYY",
    "POST approvals:item_notice":                         ".............",
    "GET approvals:package_notice":                       "YYYYYYYYYYYYY",
    "POST approvals:package_notice":                      ".............",
    "GET approvals:item_blank_form":                    "YYYYYYYYYYYYY",
    "POST approvals:item_blank_form":                   ".............",
    "GET approvals:package_blank_form":                 "YYYYYYYYYYYYY",
    "POST approvals:package_blank_form":                ".............",
    "GET approvals:lookup":                             "YYYYYYYYYYYYY",
    "POST approvals:lookup":                            ".............",
    "GET approvals:verify":                               "YYYYYYYYYYYYY",
    "POST approvals:verify":                              "vvvvvvvvvvvvv",
    "GET approvals:verify_number":                        ".............",
    "POST approvals:verify_number":                       ".............",
    "GET approvals:document":                             ".Y.Y.YYYYYYYY",
    "POST approvals:document":                            ".............",
    "GET approvals:document_download":                    ".Y.Y.YYYYYYYY",
    "POST approvals:document_download":                   ".............",
    "GET approvals:calendar":                             "YYYYYYYYYYYYY",
    "POST approvals:calendar":                            "YYYYYYYYYYYYY",
    "GET approvals:my_applications":                      ".YYYYYYYYYYYY",
    "POST approvals:my_applications":                     ".YYYYYYYYYYYY",
    "GET approvals:new_application":                      ".YYYYYYYYYYYY",
    "POST approvals:new_application":                     ".YYYYYYYYYYYY",
    "GET approvals:application":                          ".Y.Y.YYYYYYYY",
    "POST approvals:application":                         ".............",
    "GET approvals:application_form":                     ".Y.Y.........",
    "POST approvals:application_form":                    ".Y.Y.........",
    "GET approvals:application_check":                  ".Y.Y.........",
    "POST approvals:application_check":                 ".v.v.........",
    "GET approvals:application_submitted":              ".Y.Y.YYYYYYYY",
    "POST approvals:application_submitted":             ".............",
    "GET approvals:application_materials":                ".Y.Y.........",
    "POST approvals:application_materials":               ".v.v.........",
    "GET approvals:material_file":                        ".Y.Y.YYYYYYYY",
    "POST approvals:material_file":                       ".............",
    "GET approvals:application_supplement":               ".Y.Y.........",
    "POST approvals:application_supplement":              ".Y.Y.........",
    "GET approvals:withdraw_application":                 ".Y.Y.........",
    "POST approvals:withdraw_application":                ".v.v.........",
    "GET approvals:desk":                                 ".....YYYYY...",
    "POST approvals:desk":                                ".....YYYYY...",
    "GET approvals:desk_walk_in":                         ".....Y.......",
    "POST approvals:desk_walk_in":                        ".....v.......",
    "GET approvals:desk_handover_list":                   ".....YYYYY...",
    "POST approvals:desk_handover_list":                  ".....YYYYY...",
    "GET approvals:desk_application":                     ".....YY.Y....",
    "POST approvals:desk_application":                    ".....vv.v....",
    "GET approvals:desk_handover":                        ".....YY.Y....",
    "POST approvals:desk_handover":                       ".....vv.v....",
    "GET approvals:inbox":                                "......YYYY...",
    "POST approvals:inbox":                               "......YYYY...",
    "GET approvals:sign_batch":                           "........YY...",
    "POST approvals:sign_batch":                          "........YY...",
    "GET approvals:decide_batch":                       "........YY...",
    "POST approvals:decide_batch":                      "........YY...",
    "GET approvals:review":                               "......Y.Y.YYY",
    "POST approvals:review":                              "......Y.Y.YYY",
    "GET approvals:review_opinion":                       ".............",
    "POST approvals:review_opinion":                      "......Y.Y....",
    "GET approvals:review_suspend":                       ".............",
    "POST approvals:review_suspend":                      "......Y.Y....",
    "GET approvals:review_resume":                        ".............",
    "POST approvals:review_resume":                       "......Y.Y....",
    "GET approvals:review_decide":                        ".............",
    "POST approvals:review_decide":                       "........Y....",
    "GET approvals:review_sign":                          ".............",
    "POST approvals:review_sign":                         "........Y....",
    "GET approvals:after_checks":                         "......YYYYYYY",
    "POST approvals:after_checks":                        "......YYYYYYY",
    "GET approvals:after_check":                          "..........YYY",
    "POST approvals:after_check":                         ".............",
    "GET approvals:extensions":                           "..........Y..",
    "POST approvals:extensions":                          "..........Y..",
    "GET approvals:extension":                            "..........Y..",
    "POST approvals:extension":                           "..........Y..",
    "GET approvals:escalations":                          "......YYYY...",
    "POST approvals:escalations":                         ".............",
    "GET approvals:overdue_board":                        "..........YYY",
    "POST approvals:overdue_board":                       ".............",
    "GET approvals:rate_application":                   ".Y...........",
    "POST approvals:rate_application":                  ".v...........",
    "GET approvals:awaiting_rating":                    ".YY..........",
    "POST approvals:awaiting_rating":                   ".............",
    "GET approvals:supervision":                        "..........YYY",
    "POST approvals:supervision":                       ".............",
    "GET approvals:supervision_applications":           "..........YYY",
    "POST approvals:supervision_applications":          ".............",
    "GET approvals:supervision_ratings":                "..........YYY",
    "POST approvals:supervision_ratings":               ".............",
    "GET approvals:supervision_live":                   "..........YYY",
    "POST approvals:supervision_live":                  ".............",
    "GET approvals:monthly_report":                     "........YYYYY",
    "POST approvals:monthly_report":                    ".............",
    "GET approvals:monthly_reports":                    "........YYYYY",
    "POST approvals:monthly_reports":                   "...........Y.",
    "GET approvals:rectifications":                     ".YYYYYYYYYYYY",
    "POST approvals:rectifications":                    ".............",
    "GET approvals:rectification":                      ".Y...YY.Y.YYY",
    "POST approvals:rectification":                     ".v...vv.v.vvv",
    "GET approvals:pain_points":                        "..........YYY",
    "POST approvals:pain_points":                       ".............",
    "GET approvals:flag_pain_point":                    "..........YYY",
    "POST approvals:flag_pain_point":                   "..........vvv",
    "GET approvals:pain_point":                         "..........YYY",
    "POST approvals:pain_point":                        "..........vvv",
    "GET agents:workspace":                               "...YY......Y.",
    "POST agents:workspace":                              "...YY......Y.",
    "GET agents:leader":                                  "..........YYY",
    "POST agents:leader":                                 "..........YYY",
    "GET agents:enterprise":                              "...Y......YYY",
    "POST agents:enterprise":                             "..........vv.",
    "GET agents:activity":                                ".YY..........",
    "POST agents:activity":                               ".YY..........",
    "GET agents:authorizations":                          ".YY..........",
    "POST agents:authorizations":                         ".vv..........",
    "GET agents:revoke_authorization":                    ".............",
    "POST agents:revoke_authorization":                   ".Y...........",
    "GET agents:power_of_attorney":                       ".Y.Y......YYY",
    "POST agents:power_of_attorney":                      ".............",
    "GET agents:cases":                                   ".YYYYYYYYYYYY",
    "POST agents:cases":                                  ".YYYYYYYYYYYY",
    "GET agents:receive_case":                            "...YY......Y.",
    "POST agents:receive_case":                           "...vv......v.",
    "GET agents:case":                                    ".Y.Y......YYY",
    "POST agents:case":                                   ".............",
    "GET agents:demands":                                 ".YYYYYYYYYYYY",
    "POST agents:demands":                                ".YYYYYYYYYYYY",
    "GET agents:raise_demand":                            ".YYYYYYYYYYYY",
    "POST agents:raise_demand":                           ".vvvYYYYYYYYY",
    "GET agents:demand":                                  ".Y.Y......YYY",
    "POST agents:demand":                                 ".............",
    "GET agents:demand_attachment":                       ".............",
    "POST agents:demand_attachment":                      ".............",
    "GET agents:reports":                                 "...YY.....YYY",
    "POST agents:reports":                                "...YY.....YYY",
    "GET agents:projects":                                ".YYYYYYYYYYYY",
    "POST agents:projects":                               "...vv.....vv.",
    "GET agents:project":                                 ".Y.Y......YYY",
    "POST agents:project":                                ".............",
    "GET set_language":                                   ".............",
    "POST set_language":                                  "YYYYYYYYYYYYY",
    "GET javascript-catalog":                             "YYYYYYYYYYYYY",
    "POST javascript-catalog":                            ".............",
    "GET /api/v1/after-checks/":                          "......YYYYYYY",
    "GET /api/v1/after-checks/{id}/":                     "..........YYY",
    "POST /api/v1/after-checks/{id}/outcome/":            "..........vvv",
    "GET /api/v1/agency-cases/":                          ".YYYYYYYYYYYY",
    "POST /api/v1/agency-cases/":                         ".vvvvvvvvvvvv",
    "GET /api/v1/agency-cases/{id}/":                     ".Y.Y......YYY",
    "POST /api/v1/agency-cases/{id}/chase/":              ".v.v......vvv",
    "POST /api/v1/agency-cases/{id}/confirm/":            ".Y...........",
    "POST /api/v1/agency-cases/{id}/handle/":             "...Y.........",
    "POST /api/v1/agency-cases/{id}/link-application/":   ".v.v......vvv",
    "POST /api/v1/agency-cases/{id}/reject-report/":      ".v.v......vvv",
    "POST /api/v1/agency-cases/{id}/report/":             ".v.v......vvv",
    "GET /api/v1/applications/":                          ".YYYYYYYYYYYY",
    "POST /api/v1/applications/":                         ".vvvvvvvvvvvv",
    "GET /api/v1/applications/{id}/":                     ".Y.Y.YYYYYYYY",
    "PATCH /api/v1/applications/{id}/":                   ".Y.Y.YYYYYYYY",
    "POST /api/v1/applications/{id}/accept/":             ".....YY.Y....",
    "POST /api/v1/applications/{id}/answer-pre-review/":  ".v.v.vvvvvvvv",
    "POST /api/v1/applications/{id}/close/":              ".....YY.Y....",
    "POST /api/v1/applications/{id}/commitments/":        ".v.v.vvvvvvvv",
    "POST /api/v1/applications/{id}/confirm-payment/":    ".v.v.vvvvvvvv",
    "POST /api/v1/applications/{id}/deliver/":            ".....YY.Y....",
    "GET /api/v1/applications/{id}/documents/":           ".Y.Y.YYYYYYYY",
    "GET /api/v1/applications/{id}/materials/":           ".Y.Y.YYYYYYYY",
    "POST /api/v1/applications/{id}/materials/":          ".Y.Y.YYYYYYYY",
    "DELETE /api/v1/applications/{id}/materials/{material_type}/{part}/": ".Y.Y.........",
    "POST /api/v1/applications/{id}/pay/":                ".............",
    "POST /api/v1/applications/{id}/pre-review/":         ".Y.Y.........",
    "POST /api/v1/applications/{id}/refuse-acceptance/":  ".v.v.vvvvvvvv",
    "POST /api/v1/applications/{id}/request-supplement/": ".v.v.vvvvvvvv",
    "POST /api/v1/applications/{id}/submit/":             ".v.v.vvvvvvvv",
    "POST /api/v1/applications/{id}/supplement/":         ".Y.Y.........",
    "POST /api/v1/applications/{id}/withdraw/":           ".Y.Y.........",
    "POST /api/v1/auth/token/":                           "vvvvvvvvvvvvv",
    "POST /api/v1/auth/token/logout/":                    ".............",
    "GET /api/v1/authorizations/":                        ".YYYYYYYYYYYY",
    "POST /api/v1/authorizations/":                       ".vvvvvvvvvvvv",
    "GET /api/v1/authorizations/{id}/":                   ".Y.Y......YYY",
    "POST /api/v1/authorizations/{id}/revoke/":           ".Y...........",
    "GET /api/v1/calendar/add-working-days/":             "vvvvvvvvvvvvv",
    "GET /api/v1/calendar/days/":                         "vvvvvvvvvvvvv",
    "GET /api/v1/certificates/{number}/verify/":          ".............",
    "GET /api/v1/demands/":                               ".YYYYYYYYYYYY",
    "POST /api/v1/demands/":                              ".vvvvvvvvvvvv",
    "GET /api/v1/demands/{id}/":                          ".Y.Y......YYY",
    "POST /api/v1/demands/{id}/classify/":                ".v.v......vvv",
    "POST /api/v1/demands/{id}/close/":                   ".v.v......vvv",
    "POST /api/v1/demands/{id}/confirm/":                 ".Y...........",
    "POST /api/v1/demands/{id}/propose-plan/":            ".v.v......vvv",
    "POST /api/v1/demands/{id}/reclassify/":              ".v.v......vvv",
    "POST /api/v1/demands/{id}/reopen/":                  ".v.v......vvv",
    "POST /api/v1/demands/{id}/resolve/":                 ".v.v......vvv",
    "POST /api/v1/demands/{id}/start/":                   ".v.v......vvv",
    "GET /api/v1/demands/reports/":                       "...vv.....vvv",
    "GET /api/v1/departments/":                           "YYYYYYYYYYYYY",
    "GET /api/v1/departments/{code}/":                    "YYYYYYYYYYYYY",
    "GET /api/v1/documents/{id}/download/":               ".Y.Y.YYYYYYYY",
    "POST /api/v1/documents/verify/":                     "YYYYYYYYYYYYY",
    "GET /api/v1/enterprises/":                           ".YYYYYYYYYYYY",
    "GET /api/v1/enterprises/{id}/":                      ".Y.Y......YYY",
    "POST /api/v1/enterprises/{id}/reassign/":            ".v.v......vvv",
    "GET /api/v1/items/":                                 "YYYYYYYYYYYYY",
    "GET /api/v1/items/{code}/":                          "YYYYYYYYYYYYY",
    "GET /api/v1/metrics/":                             "..........YYY",
    "GET /api/v1/notifications/":                         ".YYYYYYYYYYYY",
    "POST /api/v1/notifications/read/":                   ".vvvvvvvvvvvv",
    "GET /api/v1/packages/":                              "YYYYYYYYYYYYY",
    "GET /api/v1/packages/{code}/":                       "YYYYYYYYYYYYY",
    "GET /api/v1/packages/{code}/requirements/":          "YYYYYYYYYYYYY",
    "GET /api/v1/pain-points/":                         ".YYYYYYYYYYYY",
    "POST /api/v1/pain-points/":                        ".vvvvvvvvvvvv",
    "GET /api/v1/pain-points/{id}/":                    "..........YYY",
    "POST /api/v1/pain-points/{id}/answer/":            "..........vvv",
    "POST /api/v1/payments/callback/":                    ".............",
    "GET /api/v1/projects/":                              ".YYYYYYYYYYYY",
    "POST /api/v1/projects/":                             ".vvvvvvvvvvvv",
    "GET /api/v1/projects/{id}/":                         ".Y.Y......YYY",
    "POST /api/v1/projects/{id}/link-application/":       ".v.v......vvv",
    "POST /api/v1/projects/{id}/milestones/":             ".v.v......vvv",
    "PATCH /api/v1/projects/{id}/steps/{number}/":        ".............",
    "POST /api/v1/projects/{id}/unlink-application/":     ".v.v......vvv",
    "GET /api/v1/ratings/":                             ".YYYYYYYYYYYY",
    "POST /api/v1/ratings/":                            ".vvvvvvvvvvvv",
    "GET /api/v1/ratings/{id}/":                        ".Y...YY.Y.YYY",
    "GET /api/v1/rectifications/":                      ".YYYYYYYYYYYY",
    "GET /api/v1/rectifications/{id}/":                 ".Y...YY.Y.YYY",
    "POST /api/v1/rectifications/{id}/call-back/":      ".v...vv.v.vvv",
    "POST /api/v1/rectifications/{id}/rate-fix/":       ".v...vv.v.vvv",
    "POST /api/v1/rectifications/{id}/recheck/":        ".v...vv.v.vvv",
    "POST /api/v1/rectifications/{id}/resolve/":        ".v...vv.v.vvv",
    "GET /api/v1/reviews/":                               ".YYYYYYYYYYYY",
    "GET /api/v1/reviews/{id}/":                          ".....YY.Y.YYY",
    "POST /api/v1/reviews/{id}/accept/":                  ".....YY.Y....",
    "POST /api/v1/reviews/{id}/approve/":                 "........Y....",
    "POST /api/v1/reviews/{id}/extend/":                  ".....vv.v.vvv",
    "POST /api/v1/reviews/{id}/opinion/":                 ".....vv.v.vvv",
    "POST /api/v1/reviews/{id}/refuse/":                  ".....vv.v.vvv",
    "POST /api/v1/reviews/{id}/refuse-acceptance/":       ".....vv.v.vvv",
    "POST /api/v1/reviews/{id}/request-supplement/":      ".....vv.v.vvv",
    "POST /api/v1/reviews/{id}/resume/":                  "......Y.Y....",
    "POST /api/v1/reviews/{id}/sign/":                    ".....vv.v.vvv",
    "POST /api/v1/reviews/{id}/suspend/":                 ".....vv.v.vvv",
    "GET /api/v1/reviews/counts/":                        ".YYYYYYYYYYYY",
    "POST /api/v1/reviews/decide-and-sign/":            ".vvvvvvvvvvvv",
    "POST /api/v1/reviews/sign/":                         ".vvvvvvvvvvvv",
    "GET /api/v1/seals/ca.pem":                           "YYYYYYYYYYYYY",
}


def test_every_route_has_a_row(db):
    routes = {f"{method} {name}" for name, _route in web_routes() for method in ("GET", "POST")}
    routes |= {api_key(method, path) for method, path in api_operations()}
    assert sorted(routes - EXPECTED.keys()) == [], "new routes: add their row to EXPECTED"
    assert sorted(EXPECTED.keys() - routes) == [], "rows for routes that no longer exist"


def test_each_caller_gets_what_the_matrix_says(world):
    got = observed(world)
    differences = []
    for key in sorted(EXPECTED.keys() & got.keys()):
        for code, want, have in zip(CALLERS, EXPECTED[key], got[key], strict=True):
            if want != have:
                differences.append(f"{key}: {code} expected {want!r}, got {have!r}")
    assert differences == [], "\n".join(differences)
    # The matrix is not trivially permissive nor trivially closed.
    assert any("." in row for row in got.values()) and any("Y" in row for row in got.values())


# The empty-body probes above stop at "v" for the callers who can see the object; these send a valid body, so the
# role rule of the operation itself answers (403 from the service, "."; a state refusal, 409, is "Y": reached).
WITH_BODY = {
    # only the staff and the chief of the department concerned call back (not its window clerk, not supervisors)
    ("POST", "/api/v1/rectifications/{rectification}/call-back/", '{"note": "已电话回访"}'): "......Y.Y....",
    # the complainant alone rates the fix (409 here: no outcome yet); the rest are refused or do not see the case
    ("POST", "/api/v1/rectifications/{rectification}/rate-fix/", '{"level": "satisfied"}'): ".Y...........",
    # only the administrators answer a pain point; supervisors and leaders, who see it, are refused
    ("POST", "/api/v1/pain-points/{pain_point}/answer/", '{"answer": "已合并补正清单"}'): "...........Y.",
    # supervisors and leaders flag; "v": an application the caller cannot see is refused as input
    ("POST", "/api/v1/pain-points/", '{"application": {application}, "description": "材料要求重复"}'): "..v.v.....Y.Y",
    # the applicant of the company alone rates (409 here: the bundle is rated already); nobody rates for them
    ("POST", "/api/v1/ratings/", '{"application": {decided}, "level": "satisfied"}'): ".Yv.v........",
}


def test_the_new_operations_refuse_by_role_with_a_valid_body(world):
    users, ids = world
    clients = {"an": client_for(None), **{code: client_for(user) for code, user in users.items()}}
    differences = []
    for (method, template, body), want in WITH_BODY.items():
        url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), template)
        body = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), body)
        have = "".join(probe(clients[code], method, url, body.encode()) for code in CALLERS)
        if have != want:
            differences.append(f"{method} {template}: expected {want}, got {have}")
    assert differences == [], "\n".join(differences)
