from django.urls import path

from . import views_history

urlpatterns = [
    path("history/import/", views_history.history_import_view, name="history_import"),
    path("history/import/confirm/", views_history.history_import_confirm, name="history_import_confirm"),
    path("history/import/jobs/<int:pk>/", views_history.history_import_job, name="history_import_job"),
    path("history/import/template/", views_history.history_import_template, name="history_import_template"),
]
