from django.urls import path

from . import public_views, views

app_name = "safety"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("coverage/", views.coverage, name="coverage"),
    path("grid/", views.grid, name="grid"),
    path("school/", views.my_school, name="my_school"),
    path("reminders/<int:pk>/confirm/", views.reminder_confirm, name="reminder_confirm"),
    path("reports/<int:pk>/handle/", views.report_handle, name="report_handle"),
    path("school/drills/", views.drill_create, name="drill_create"),
    path("school/lessons/", views.lesson_create, name="lesson_create"),
    path("waters/", views.waters, name="waters"),
    path("waters/<int:pk>/", views.water_detail, name="water_detail"),
    path("waters/<int:pk>/place/", views.water_place, name="water_place"),
    path("incidents/", views.incidents, name="incidents"),
    path("reports/<int:pk>/pay/", views.report_pay, name="report_pay"),
    path("a/<str:token>/", public_views.acknowledge, name="acknowledge"),
    path("report/", public_views.public_report, name="public_report"),
]
