"""Activity pages under /activities/ (``duty:…``). The duty archive pages are added by ``urls_archive``; its paths
must not take the activity pages' (``""``, ``new/``, ``check-in/``, ``<int:pk>/…``)."""

from django.urls import path

from . import views_activities as views
from .urls_archive import urlpatterns as archive

app_name = "duty"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_new, name="activity_new"),
    path("check-in/", views.check_in, name="check_in"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/act/<slug:action>/", views.activity_act, name="activity_act"),
    path("<int:pk>/qr/", views.activity_qr, name="activity_qr"),
    path("<int:pk>/qr/live/", views.activity_qr_fragment, name="activity_qr_fragment"),
    path("<int:pk>/materials/", views.material_upload, name="material_upload"),
    path("<int:pk>/materials/<int:material_pk>/", views.material_download, name="material_download"),
    path("<int:pk>/attendance.xlsx", views.attendance_xlsx, name="attendance_xlsx"),
    *archive,
]
