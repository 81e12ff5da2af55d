from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("corrections/<int:pk>/delete/", views.delete_correction, name="delete_correction"),
]
