"""Tutoring pages (mounted at /tutoring/; the API is in api_urls)."""

from django.urls import path

from . import views

app_name = "tutoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/new/", views.institution_create, name="institution_create"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution_detail"),
    path("institutions/<int:pk>/edit/", views.institution_edit, name="institution_edit"),
    path("institutions/<int:pk>/status/", views.institution_transition, name="institution_transition"),
    path("institutions/<int:pk>/list/", views.institution_set_list, name="institution_set_list"),
    path("institutions/<int:pk>/staff/new/", views.staff_create, name="staff_create"),
    path("institutions/<int:pk>/staff.xlsx", views.staff_export, name="staff_export"),
    path("institutions/<int:pk>/courses/new/", views.course_create, name="course_create"),
    path("institutions/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("institutions/<int:pk>/orders/new/", views.order_create, name="order_create"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("refunds/<int:pk>/settle/", views.refund_settle, name="refund_settle"),
    path("violations/", views.violation_list, name="violation_list"),
    path("risk/", views.risk_list, name="risk_list"),
    path("report.pdf", views.supervision_report, name="supervision_report"),
    path("unlicensed/", views.unlicensed_list, name="unlicensed_list"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/pick/", views.institution_pick, name="institution_pick"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("public/", views.public_lookup, name="public_lookup"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
    path("public/complaint/", views.public_complaint, name="public_complaint"),
    path("public/complaint/track/", views.public_complaint_track, name="public_complaint_track"),
]
