import datetime as dt

import pytest
from django.db.models import Max

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.demo.services import demo_build
from edugov.tutoring.models import Institution, Order, RiskSnapshot, Staff, UnlicensedSite

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


def test_demo_tells_the_tutoring_story():
    demo_build(seed=3, scale=0.2, today=TODAY)
    insts = Institution.objects.count()
    assert insts >= 8
    op = User.objects.get(username="institution1")
    first = Institution.objects.order_by("pk").first()
    assert first is not None
    assert op.institution_id == first.pk
    assert list(scoped(Institution, op)) == [first]
    px = User.objects.get(username="officer_px")
    assert scoped(Institution, px).count() == insts
    # Dated back from the build date: the year of orders ends there, and on it some institutions
    # are about to collapse (high risk) while the licensed ones hold licences still valid.
    assert Order.objects.aggregate(last=Max("paid_on"))["last"] <= TODAY
    last = RiskSnapshot.objects.order_by("-date").values_list("date", flat=True).first()
    assert last == TODAY
    assert RiskSnapshot.objects.filter(date=last, level="high").exists()
    licensed = Institution.objects.filter(status="licensed")
    assert licensed.exists()
    assert not licensed.exclude(licence_valid_from__lte=TODAY, licence_valid_to__gte=TODAY).exists()
    assert Institution.objects.filter(list_status="black", status="revoked").exists()
    assert UnlicensedSite.objects.exists()
    assert Staff.objects.filter(in_service_teacher__isnull=False).exists()
    # Complaints at every step, some late; their steps recorded in order.
    from edugov.tutoring import selectors, services
    from edugov.tutoring.models import Complaint, Inspection

    assert set(Complaint.objects.values_list("status", flat=True)) == {
        "new", "assigned", "referred", "replied", "closed",
    }  # fmt: skip
    counts = selectors.complaint_overdue_counts(user=px, today=TODAY)
    assert counts["complaints_overdue_accept"] > 0 and counts["complaints_overdue_handle"] > 0
    for c in Complaint.objects.filter(status="closed"):
        assert [e.step for e in c.events.order_by("at")] == [
            "submit", "accept", "investigate", "reply", "rate",
        ]  # fmt: skip
    # The white list follows its rules: no listed institution carries a violation.
    white = Institution.objects.filter(list_status="white")
    assert white.exists()
    assert [i.name for i in white if services.white_list_blockers(i)] == []
    # Each inspection done names its two officers.
    done = Inspection.objects.exclude(inspected_on=None)
    assert done.exists() and all(i.inspectors.count() >= 2 for i in done)
