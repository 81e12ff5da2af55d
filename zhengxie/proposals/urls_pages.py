from django.urls import path

from . import views

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_new, name="new"),
    path("autosave/", views.autosave, name="autosave"),
    path("review/", views.review_queue, name="review"),
    path("categories/", views.categories, name="categories"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/act/<slug:action>/", views.proposal_act_view, name="act"),
    path("<int:pk>/act/<slug:action>/form/", views.action_form, name="action_form"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("assignments/<int:pk>/act/<slug:action>/", views.assignment_act_view, name="assignment_act"),
    path("assignments/<int:pk>/act/<slug:action>/form/", views.assignment_action_form, name="assignment_action_form"),
    path("lookup/units/", views.unit_lookup, name="unit_lookup"),
    path("lookup/members/", views.member_lookup, name="member_lookup"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
]
