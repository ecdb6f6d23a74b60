from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("areas/", views.area_list, name="area_list"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/export/", views.school_export, name="school_export"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("classes/", views.class_list, name="class_list"),
    path("classes/export/", views.class_export, name="class_export"),
    path("teachers/", views.teacher_list, name="teacher_list"),
]
