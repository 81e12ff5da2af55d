"""The routes of the opinion reports' outputs (statistics, workbook, 报送 document, bulletins), appended to the app's
``urls.py`` under its namespace."""

from django.urls import path

from . import views_outputs as v

urlpatterns = [
    path("statistics/", v.statistics, name="statistics"),
    path("export.xlsx", v.list_xlsx, name="list_xlsx"),
    path("<int:pk>/submission-<str:level>.docx", v.submission_docx, name="submission_docx"),
    path("bulletins/", v.bulletin_list, name="bulletin_list"),
    path("bulletins/new/", v.bulletin_new, name="bulletin_new"),
    path("bulletins/<int:pk>/", v.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>.docx", v.bulletin_docx, name="bulletin_docx"),
    path("bulletins/<int:pk>.pdf", v.bulletin_pdf, name="bulletin_pdf"),
]
