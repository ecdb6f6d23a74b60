from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("layout/", views.layout, name="layout"),
    path("projects/", views.projects, name="projects"),
]
