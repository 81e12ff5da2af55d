"""社情民意信息: members' opinion reports, their editing, sign-off, reporting upward, adoption and instructions."""

from django.urls import path

from . import views
from .urls_outputs import urlpatterns as output_urlpatterns

app_name = "opinions"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("autosave/", views.autosave, name="autosave"),
    path("editing/", views.edit_queue, name="edit_queue"),
    path("sign-off/", views.sign_off_queue, name="sign_off_queue"),
    path("to-report/", views.report_queue, name="report_queue"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.draft_edit, name="edit"),
    path("<int:pk>/actions/<str:action>/", views.report_action, name="action"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_delete, name="attachment_remove"),
]
# The statistics, the list workbook, the 报送 documents and the bulletins (urls_outputs.py).
urlpatterns += output_urlpatterns
