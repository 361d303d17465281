"""The user's notification list: newest first, unread highlighted, mark one or all as read."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.services.notifications_read import ALL, mark_read, visible_to
from portal.services.notify import unread_count

PAGE_SIZE = 25


class IdListField(forms.Field):
    """Several positive integer ids (repeated `ids` parameters); the service checks whose they are."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        if not all(str(v).isdigit() for v in values):
            raise forms.ValidationError(_("Choose the notifications to mark as read."))
        return [int(v) for v in values]


class MarkReadForm(forms.Form):
    """Either `all` or one or more notification ids."""

    all = forms.BooleanField(required=False)
    ids = IdListField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("all") and not data.get("ids"):
            raise forms.ValidationError(_("Choose the notifications to mark as read."))
        return data

    def target(self):
        return ALL if self.cleaned_data.get("all") else self.cleaned_data["ids"]


@login_required
def notification_list(request):
    # The page's rows as plain values (the columns shown); the label of each row's button is formatted from one
    # translation per page. The unread count is counted once, for the page and the header's badge.
    page = Paginator(visible_to(request.user).values("pk", "read_at", "created_at", "link", "title", "body", "links"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    mark = _("Mark “%(title)s” as read")
    rows = [{**row, "mark_label": mark % {"title": row["title"]}} for row in page.object_list]
    unread = unread_count(request.user)
    return render(request, "portal/notifications.html",
                  {"page": page, "rows": rows, "unread": unread, "unread_notifications": unread})


@require_POST
@login_required
def mark_notifications_read(request):
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("Choose the notifications to mark as read."))
    else:
        n = mark_read(request.user, form.target())
        messages.success(request, ngettext("%(n)d notification marked as read.",
                                           "%(n)d notifications marked as read.", n) % {"n": n})
    page = request.POST.get("page", "")
    target = redirect("portal:notifications")
    if page.isdigit() and page != "1":
        target["Location"] += f"?page={page}"
    return target
