from django.urls import path

from . import views_documents as views

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("statistics/report.docx", views.annual_report_docx, name="annual_report_docx"),
    path("export.xlsx", views.list_xlsx, name="list_xlsx"),
    path("<int:pk>/document.docx", views.proposal_docx, name="proposal_docx"),
    path("<int:pk>/document.pdf", views.proposal_pdf, name="proposal_pdf"),
    path("replies/<int:pk>/document.docx", views.reply_docx, name="reply_docx"),
    path("replies/<int:pk>/document.pdf", views.reply_pdf, name="reply_pdf"),
]
