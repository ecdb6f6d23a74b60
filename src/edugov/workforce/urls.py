from django.urls import path

from . import views, views_programmes, views_shadowing

app_name = "workforce"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("school/", views.my_school, name="my_school"),
    path("schools/<int:pk>/", views.school_detail, name="school"),
    path("schools/<int:pk>/mentoring/", views.pair_create, name="pair_create"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher"),
    path("recruitment/", views.recruitment, name="recruitment"),
    path("me/", views.me, name="me"),
    path("studios/", views_programmes.studio_board, name="studios"),
    path(
        "studio-reports/<int:pk>/submit/", views_programmes.studio_report_submit, name="studio_report_submit"
    ),
    path("ethics/", views_programmes.ethics_page, name="ethics"),
    path("ethics/<int:pk>/decide/", views_programmes.ethics_decide, name="ethics_decide"),
    path("appraisal/", views_programmes.appraisal_page, name="appraisal"),
    path("rounds/", views_programmes.rounds_page, name="rounds"),
    path("shadowing/", views_shadowing.shadowing_page, name="shadowing"),
    path("corrections/<int:pk>/decide/", views.correction_decide, name="correction_decide"),
]
