from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<str:name>/", views.page, name="page"),
    path("<str:name>.<str:fmt>", views.download, name="download"),
]
