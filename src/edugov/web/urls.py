from django.urls import path

from . import style_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("landing/<slug:code>/", views.landing_card_view, name="landing_card"),
    path("style/", style_views.style_page, name="style"),
]
