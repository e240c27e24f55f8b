"""The inbox: one's own notifications (never anyone else's: 404), reading one, marking all
read, and which kinds also come by e-mail. Writes go through ``services``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nscap.notifications import services
from nscap.notifications.choices import NotificationKind
from nscap.notifications.models import Notification
from nscap.notifications.texts import body, title


def shown(notification: Notification) -> dict:
    return {
        "notification": notification,
        "title": title(notification),
        "body": body(notification),
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; ``?unread=1`` only those not read yet."""
    mine = Notification.objects.filter(recipient=request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        mine = mine.filter(read_at__isnull=True)
    page = Paginator(mine, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "section": "inbox",
            "page": page,
            "items": [shown(n) for n in page.object_list],
            "only_unread": only_unread,
        },
    )


@login_required
def detail(request: HttpRequest, notification_id: int) -> HttpResponse:
    """One of the user's notifications, marked read when opened; anyone else's is a 404."""
    notification = services.mark_read(request.user, notification_id)
    if notification is None:
        raise Http404(_("No such notification."))
    link = notification.url
    if not url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        link = ""
    return render(
        request,
        "notifications/detail.html",
        {"section": "inbox", "link": link, **shown(notification)},
    )


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("notifications:inbox")


class EmailPreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Also send me an e-mail for"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Which kinds also come by e-mail (every kind is always in the inbox)."""
    form = EmailPreferenceForm(
        request.POST or None, initial={"kinds": sorted(services.email_kinds(request.user))}
    )
    if request.method == "POST" and form.is_valid():
        services.set_email_kinds(request.user, form.cleaned_data["kinds"])
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"section": "inbox", "form": form, "has_email": bool(request.user.email)},
    )
