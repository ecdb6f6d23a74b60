from django.urls import path

from . import views

app_name = "party"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("school/", views.my_school, name="my_school"),
    path("schools/<int:pk>/", views.school_page, name="school"),
]
