import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from edugov.audit.models import AuditEvent
from edugov.reports import render_pdf
from edugov.testing import make_mini_district
from edugov.tutoring import exports, services
from edugov.tutoring.models import CustodyStatement

from .factories import make_institution, officer, operator_for

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 8, 31)


@pytest.fixture
def md():
    return make_mini_district()


@pytest.fixture
def px(md):
    return officer(md)


@pytest.fixture
def story(md, px):
    """One institution at 60 % coverage (score 55, as in the documented example), one healthy."""
    risky = make_institution(md, px, name="风险<培训>&中心", category="subject")
    healthy = make_institution(md, px, name="稳健艺术学校")
    a = services.order_create(
        actor=px,
        institution=risky,
        data={"pupil_name": "小明", "lessons": 30, "amount": Decimal("3000"), "paid_on": dt.date(2025, 6, 1)},
    )
    services.order_create(
        actor=px,
        institution=risky,
        data={
            "pupil_name": "小红",
            "lessons": 20,
            "amount": Decimal("2000"),
            "paid_on": dt.date(2025, 8, 20),
        },
    )
    services.consumption_record(actor=px, order=a, date=dt.date(2025, 7, 15), lessons=10)
    CustodyStatement.objects.create(
        institution=risky, account="1", date=dt.date(2025, 8, 30), balance=Decimal("2400")
    )
    site = services.unlicensed_site_create(
        actor=px, data={"name": "黑点", "area": md.town_a, "address": "某村", "found_on": dt.date(2025, 8, 1)}
    )
    services.enforcement_create(
        actor=px,
        data={"unlicensed_site": site, "kind": "close_unlicensed", "decided_on": dt.date(2025, 8, 2)},
    )
    services.risk_compute(on=ON)
    return risky, healthy


def test_report_holds_ranking_and_statistics(px, story):
    risky, healthy = story
    report = exports.supervision_report(actor=px, today=ON, start=dt.date(2025, 1, 1), end=ON)
    ranking = report.section("ranking").rows
    assert [r[1] for r in ranking] == [risky.name, healthy.name]
    first = ranking[0]
    # 25 (coverage 60 %) + 15 (sold 2000 in 30 days, consumed 0) + 15 (consumption stopped) = 55
    assert first[0] == 1 and first[3] == 55 and first[4] == "中" and first[5] == 0.6  # numbers, not text
    assert first[6] == 4000 and first[7] == 2400
    assert ranking[1][3] == 0 and ranking[1][8] == "无"
    assert dict(report.section("enforcement").rows)["取缔无证无照培训点"] == 1
    assert "取缔无证无照培训点1个" in report.section("enforcement").paragraphs[0]
    assert dict(report.summary)["风险等级"] == "高0家，中1家，低1家"
    assert dict(report.summary)["监管资金"] == "2,400元（覆盖率60%）"
    pdf = render_pdf(report)  # the name with < > & must not break reportlab's markup
    assert pdf.startswith(b"%PDF") and b"+NotoSerifSC-Regular" in pdf


def test_pdf_download_is_audited(client, px, story):
    client.force_login(px)
    r = client.get(reverse("tutoring:supervision_report"), {"start": "2025-01-01", "end": "2025-12-31"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="export", model="tutoring.RiskSnapshot")
    assert event.changes["format"] == "pdf" and event.changes["ranking"] == 2


@pytest.mark.parametrize(
    "params", [{"start": "2025-13-01"}, {"start": "2025-09-01", "end": "2025-01-01"}, {"end": "昨天"}]
)
def test_bad_period_is_a_message_not_an_error(client, px, story, params):
    client.force_login(px)
    r = client.get(reverse("tutoring:supervision_report"), params)
    assert r.status_code == 302 and r["Location"] == reverse("tutoring:dashboard")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_operator_cannot_download_the_report(client, story):
    client.force_login(operator_for(story[0]))
    assert client.get(reverse("tutoring:supervision_report")).status_code == 403


def test_risk_xlsx_export_is_audited(client, px, story):
    client.force_login(px)
    r = client.get(reverse("tutoring:risk_list"), {"export": "xlsx"})
    assert r.status_code == 200
    event = AuditEvent.objects.get(action="export", model="tutoring.RiskSnapshot")
    assert "（2条，XLSX）" in event.object_repr
