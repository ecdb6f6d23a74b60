from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("school/", views.my_school, name="my_school"),
    path("<int:pk>/", views.group_detail, name="group"),
    path("<int:pk>/activities/", views.activity_new, name="activity_new"),
    path("<int:pk>/plans/", views.plan_save, name="plan_save"),
]
