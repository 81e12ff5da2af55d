from django.urls import include, path
from django.views.i18n import set_language

from zhengxie.core.access import public

from .api import api

urlpatterns = [
    path("", include("zhengxie.core.urls")),
    path("accounts/", include("zhengxie.accounts.urls")),
    path("people/", include("zhengxie.people.urls")),
    path("notifications/", include("zhengxie.notifications.urls")),
    path("workdays/", include("zhengxie.workdays.urls")),
    path("audit/", include("zhengxie.audit.urls")),
    path("proposals/", include("zhengxie.proposals.urls")),
    path("activities/", include("zhengxie.duty.urls")),
    path("search/", include("zhengxie.search.urls")),
    path("followup/", include("zhengxie.followup.urls")),
    path("consultations/", include("zhengxie.consultations.urls")),
    path("supervision/", include("zhengxie.supervision.urls")),
    path("deliberations/", include("zhengxie.deliberations.urls")),
    path("opinions/", include("zhengxie.opinions.urls")),
    path("training/", include("zhengxie.training.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", api.urls),
]

handler403 = "zhengxie.core.errors.permission_denied"
handler404 = "zhengxie.core.errors.not_found"
