"""Deliberation pages under /deliberations/ (``deliberations:…``)."""

from django.urls import path

from . import views

app_name = "deliberations"
urlpatterns = [
    path("", views.deliberation_list, name="list"),
    path("new/", views.deliberation_new, name="new"),
    path("<int:pk>/", views.deliberation_detail, name="detail"),
    path("<int:pk>/edit/", views.deliberation_edit, name="edit"),
    path("<int:pk>/act/<slug:action>/", views.deliberation_act, name="act"),
    path("posts/<int:pk>/act/<slug:action>/", views.post_act, name="post_act"),
]
