"""The duty archive pages, included by ``duty/urls.py`` under /activities/ (names in the ``duty`` namespace)."""

from django.urls import path

from . import views_archive as views

urlpatterns: list = [
    path("archive/", views.my_archive, name="my_archive"),
    path("archive/<int:member_id>/", views.member_archive, name="member_archive"),
    path("archive/<int:member_id>/report.docx", views.archive_docx, name="archive_docx"),
    path("archive/<int:member_id>/report.pdf", views.archive_pdf, name="archive_pdf"),
    path("archive/<int:member_id>/other/", views.add_other, name="add_other"),
    path("table/", views.committee_table, name="committee_table"),
    path("table/export.xlsx", views.committee_table_xlsx, name="committee_table_xlsx"),
    path("table/short/", views.short_of_minimums, name="short_of_minimums"),
    path("table/alerts/", views.alerts, name="alerts"),
    path("rules/", views.rules_page, name="rules"),
]
