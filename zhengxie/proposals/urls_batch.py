from django.urls import path

from . import views_batch

urlpatterns = [
    path("review/assign/", views_batch.assign_queue, name="review_assign"),
    path("review/batch/<slug:action>/", views_batch.batch_act, name="batch"),
]
