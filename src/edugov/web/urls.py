from django.urls import path

from . import style_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("style/", style_views.style_page, name="style"),
]
