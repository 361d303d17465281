"""The public progress lookup (办件查询) page: no login, reference and credit code, public facts only."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from approvals.services import public_lookup
from portal.services.audit import client_ip


class LookupForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("Application reference"), max_length=32,
                                help_text=gettext_lazy("On the receipt, e.g. YB20260601000123"))
    credit_code = forms.CharField(label=gettext_lazy("Unified social credit code of the company"), max_length=18,
                                  min_length=18)


@require_http_methods(["GET"])
def lookup(request):
    form = LookupForm(request.GET or None)
    context, status = {"form": form}, 200
    if request.GET and form.is_valid():
        if not public_lookup.allow(client_ip(request) or "unknown"):
            context["error"] = _("Too many lookups from your connection. Please try again in a few minutes.")
            status = 429
        else:
            application = public_lookup.find(form.cleaned_data["reference"], form.cleaned_data["credit_code"])
            if application is None:
                # One answer for every miss: an unknown reference, another company's, or a draft.
                context["error"] = _("No submitted application matches this reference and credit code. Check "
                                     "both against your receipt.")
                status = 404
            else:
                context.update(public_lookup.public_view(application))
    elif request.GET:
        status = 400
    return render(request, "approvals/lookup/lookup.html", context, status=status)
