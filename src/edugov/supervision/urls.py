from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/schools/<int:school_pk>/", views.visit_form, name="visit_form"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
]
