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
    path("preschool/", views.preschool, name="preschool"),
    path("preschool/my/", views.my_kindergarten, name="my_kindergarten"),
    path("preschool/kindergartens/<int:pk>/", views.kindergarten_card, name="kindergarten_card"),
    path("preschool/export/", views.preschool_export, name="preschool_export"),
]
