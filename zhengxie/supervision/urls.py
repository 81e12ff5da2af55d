from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/act/<slug:action>/", views.plan_act, name="plan_act"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("topics/<int:pk>/act/<slug:action>/", views.topic_act, name="topic_act"),
    path("topics/<int:pk>/scheme-files/", views.scheme_upload, name="scheme_upload"),
    path("topics/<int:pk>/scheme-files/<int:file_pk>/", views.scheme_download, name="scheme_download"),
]
