"""协商: topic suggestions, the annual consultation plan (年度协商计划) with its recorded approval steps
and versions, and each consultation's stages."""

from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_new, name="new"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.consultation_act, name="act"),
    path("<int:pk>/materials/", views.material_upload, name="material_upload"),
    path("<int:pk>/materials/<int:material_pk>/", views.material_download, name="material_download"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/act/<slug:action>/", views.plan_act, name="plan_act"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/new/", views.suggest, name="suggest"),
]
