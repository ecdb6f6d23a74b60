from django.urls import path

from . import views

app_name = "safety"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("grid/", views.grid, name="grid"),
    path("school/", views.my_school, name="my_school"),
    path("reminders/<int:pk>/confirm/", views.reminder_confirm, name="reminder_confirm"),
    path("reports/<int:pk>/handle/", views.report_handle, name="report_handle"),
    path("a/<str:token>/", views.acknowledge, name="acknowledge"),
    path("report/", views.public_report, name="public_report"),
]
