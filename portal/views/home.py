"""The role-aware home page: a workspace made of the panels registered for the user's role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal.workspace import panels_for


@login_required
def home(request):
    return render(request, "portal/home.html", {"panels": panels_for(request)})
