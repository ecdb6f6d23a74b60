import pytest

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.demo.services import demo_build
from edugov.tutoring.models import Institution, RiskSnapshot, Staff, UnlicensedSite

pytestmark = pytest.mark.django_db


def test_demo_tells_the_tutoring_story():
    demo_build(seed=3, scale=0.2)
    insts = Institution.objects.count()
    assert insts >= 8
    op = User.objects.get(username="institution1")
    first = Institution.objects.order_by("pk").first()
    assert op.institution_id == first.pk
    assert list(scoped(Institution, op)) == [first]
    px = User.objects.get(username="officer_px")
    assert scoped(Institution, px).count() == insts
    last = RiskSnapshot.objects.order_by("-date").values_list("date", flat=True).first()
    assert RiskSnapshot.objects.filter(date=last, level="high").exists()
    assert Institution.objects.filter(list_status="black", status="revoked").exists()
    assert UnlicensedSite.objects.exists()
    assert Staff.objects.filter(in_service_teacher__isnull=False).exists()
