from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("value-added/", views.value_added, name="value_added"),
    path("my-school/", views.my_school, name="my_school"),
    path("schools/<int:pk>/", views.school, name="school"),
]
