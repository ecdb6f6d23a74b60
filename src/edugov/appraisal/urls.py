from django.urls import path

from . import views

app_name = "appraisal"
urlpatterns = [
    path("", views.district, name="district"),
    path("school/", views.my_school, name="my_school"),
    path("schools/<int:pk>/", views.school_page, name="school"),
    path("routine/", views.routine, name="routine"),
    path("entries/<int:pk>/evidence/", views.evidence, name="evidence"),
]
