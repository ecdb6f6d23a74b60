from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("layout/", views.layout, name="layout"),
    path("layout/map/", views.layout_map, name="map"),
    path("projects/", views.projects, name="projects"),
    path("quota/", views.quota, name="quota"),
    path("private/", views.private, name="private"),
]
