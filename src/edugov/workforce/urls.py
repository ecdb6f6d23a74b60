from django.urls import path

from . import views

app_name = "workforce"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("school/", views.my_school, name="my_school"),
    path("schools/<int:pk>/", views.school_detail, name="school"),
    path("schools/<int:pk>/mentoring/", views.pair_create, name="pair_create"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher"),
    path("recruitment/", views.recruitment, name="recruitment"),
    path("me/", views.me, name="me"),
    path("corrections/<int:pk>/decide/", views.correction_decide, name="correction_decide"),
]
