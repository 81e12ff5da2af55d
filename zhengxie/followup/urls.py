from django.urls import path

from . import views, views_leaders

app_name = "followup"
urlpatterns = [
    # The leaders' overview (成果转化总览) and its downloads.
    path("", views_leaders.leaders, name="leaders"),
    path("overview/recommendations.xlsx", views_leaders.leaders_xlsx, name="leaders_xlsx"),
    path("overview/report.docx", views_leaders.leaders_report, name="leaders_report"),
    path("department/", views.department, name="department"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/actions/<slug:action>/", views.document_act, name="document_act"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/actions/<slug:action>/", views.recommendation_act, name="recommendation_act"),
    path("recommendations/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("recommendations/<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
