from django.urls import path

from . import views_boards

urlpatterns = [
    path("unit/", views_boards.unit_board, name="unit_board"),
    path("boards/", views_boards.boards, name="boards"),
    path("key/", views_boards.key_board, name="key_board"),
    path("excellent/", views_boards.excellent, name="excellent"),
]
