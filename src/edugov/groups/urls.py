from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("school/", views.my_school, name="my_school"),
    path("<int:pk>/", views.group_detail, name="group"),
    path("<int:pk>/activities/", views.activity_new, name="activity_new"),
    path("<int:pk>/plans/", views.plan_save, name="plan_save"),
    path("<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("<int:pk>/joint-classes/", views.joint_class_new, name="joint_class_new"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("joint-classes/<int:pk>/", views.joint_class_edit, name="joint_class_edit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
