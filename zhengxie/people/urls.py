from django.urls import path

from . import views, views_manage

app_name = "people"
urlpatterns = [
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views_manage.member_create, name="member_create"),
    path("members/export/", views_manage.member_export, name="member_export"),
    path("members/import/", views_manage.member_import, name="member_import"),
    path("members/import/confirm/", views_manage.member_import_confirm, name="member_import_confirm"),
    path("members/import/template/", views_manage.member_import_template, name="member_import_template"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views_manage.member_edit, name="member_edit"),
    path("members/<int:pk>/status/", views_manage.member_status, name="member_status"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views_manage.unit_create, name="unit_create"),
    path("units/export/", views_manage.unit_export, name="unit_export"),
    path("units/import/", views_manage.unit_import, name="unit_import"),
    path("units/import/confirm/", views_manage.unit_import_confirm, name="unit_import_confirm"),
    path("units/import/template/", views_manage.unit_import_template, name="unit_import_template"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views_manage.unit_edit, name="unit_edit"),
    path("units/<int:pk>/staff/", views_manage.unit_staff_add, name="unit_staff_add"),
    path("units/<int:pk>/staff/<int:staff_pk>/remove/", views_manage.unit_staff_remove, name="unit_staff_remove"),
    path("organisation/", views.organisation, name="organisation"),
]
