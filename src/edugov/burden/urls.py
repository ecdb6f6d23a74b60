from django.urls import path

from . import views

app_name = "burden"
urlpatterns = [
    path("homework/new/", views.homework_new, name="homework_new"),
    path("homework/", views.homework_list, name="homework_list"),
    path("homework/<int:pk>/withdraw/", views.homework_withdraw, name="homework_withdraw"),
    path("boards/<int:class_id>/create/", views.board_create, name="board_create"),
    path("board/<str:token>/", views.board, name="board"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export/", views.compliance_export, name="compliance_export"),
    path("compliance/schools/<int:pk>/", views.compliance_school, name="compliance_school"),
    path("exams/", views.exam_entry, name="exam_entry"),
    path("after-school/", views.after_school_entry, name="after_school_entry"),
    path("report/monthly/", views.monthly_report, name="monthly_report"),
    path("rules/", views.school_rules, name="school_rules"),
]
