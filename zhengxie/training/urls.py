"""学习培训: the yearly study and training plan, training classes, seminars and their papers, members' study hours."""

from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/actions/<slug:action>/", views.plan_act, name="plan_act"),
    path("plans/<int:plan_id>/items/", views.item_add, name="item_add"),
    path("items/<int:item_id>/activity/", views.item_activity, name="item_activity"),
    path("classes/<int:class_id>/", views.class_detail, name="class_detail"),
    path("classes/<int:class_id>/hours/", views.class_hours, name="class_hours"),
    path("classes/<int:class_id>/courses/", views.course_add, name="course_add"),
    path("classes/<int:class_id>/attendees/", views.attendee_hours, name="attendee_hours"),
    path("courses/<int:course_id>/remove/", views.course_remove, name="course_remove"),
    path("seminars/<int:seminar_id>/", views.seminar_detail, name="seminar_detail"),
    path("seminars/<int:seminar_id>/papers/", views.paper_submit, name="paper_submit"),
    path("papers/<int:paper_id>/actions/<slug:action>/", views.paper_act, name="paper_act"),
    path("papers/<int:paper_id>/file/", views.paper_file, name="paper_file"),
    path("study-hours/", views.shortfall, name="shortfall"),
    path("study-hours/export/", views.shortfall_xlsx, name="shortfall_xlsx"),
    path("study-hours/requirement/", views.requirement_set, name="requirement_set"),
]
