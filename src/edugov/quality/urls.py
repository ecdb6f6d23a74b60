from django.urls import path

from . import outcome_views, views

app_name = "quality"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("value-added/", views.value_added, name="value_added"),
    path("my-school/", views.my_school, name="my_school"),
    path("schools/<int:pk>/", views.school, name="school"),
    path("fitness/", views.fitness_overview, name="fitness"),
    path("fitness/schools/<int:pk>/", views.fitness_school, name="fitness_school"),
    path("fitness/schools/<int:pk>/upload.xlsx", views.fitness_export, name="fitness_export"),
    path("outcomes/", outcome_views.outcomes_overview, name="outcomes"),
]
