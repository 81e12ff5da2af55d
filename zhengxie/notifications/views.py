from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengxie.core.access import require

from . import selectors, services
from .forms import PreferenceForm


@require("notifications.own")
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notification_list(user=request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "querystring": "unread=1" if unread_only else ""},
    )


@require("notifications.own")
@require_POST
def mark_read(request, pk: int):
    services.mark_read(user=request.user, ids=[pk])
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require("notifications.own")
@require_POST
def mark_all_read(request):
    n = services.mark_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": n})
    return redirect("notifications:list")


@require("notifications.own")
def preferences(request):
    form = PreferenceForm(request.POST or None, initial={"email_mode": selectors.email_mode_of(request.user)})
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, email_mode=form.cleaned_data["email_mode"])
        messages.success(request, _("通知设置已保存。"))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
