from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("balanced/", views.balanced, name="balanced"),
    path("balanced/my/", views.my_card, name="my_card"),
    path("balanced/schools/<int:pk>/", views.school_card, name="school_card"),
    path("balanced/guarantee/", views.guarantee, name="guarantee"),
    path("balanced/gaps/", views.gaps, name="gaps"),
    path("balanced/whatif/", views.whatif, name="whatif"),
    path("balanced/findings/", views.findings, name="findings"),
    path("balanced/export/", views.export, name="export"),
]
