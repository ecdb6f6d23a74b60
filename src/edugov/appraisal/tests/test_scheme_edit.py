"""Editing a scheme (page, API, service): the same 100% rule as creating it; a scheme with computed
results is refused until they are withdrawn (the withdrawn totals kept in the audit record); the
values schools entered stay with their indicator and such an indicator cannot be removed; the "N"
weight cannot move away from the items schools already set. Refusals are Chinese, nothing written."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.appraisal import services
from edugov.appraisal.models import Dimension, Entry, Indicator, SchoolResult
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.testing import login

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _inputs(scheme, **weights):
    """The scheme's common indicators as edit inputs (ids kept), weights overridden by name."""
    out: dict[tuple[str, str], list[services.IndicatorInput]] = {}
    for i in Indicator.objects.filter(dimension__scheme=scheme, school__isnull=True).select_related(
        "dimension"
    ):
        out.setdefault((i.dimension.kind, i.dimension.name), []).append(
            services.IndicatorInput(
                i.name,
                D(weights.get(i.name, i.weight)),
                i.rule,
                i.source,
                i.floor,
                i.target,
                i.thresholds,
                pk=i.pk,
            )
        )
    return out


def _dims(groups):
    return [services.DimensionInput(k, n, inds) for (k, n), inds in groups.items()]


def _snapshot(scheme):
    return sorted(
        Indicator.objects.filter(dimension__scheme=scheme).values_list("pk", "name", "weight", "dimension_id")
    )


def _update(world, groups, n=D(15), actor=None):
    return services.scheme_update(
        actor=actor or world.officer,
        scheme=world.scheme,
        name="修改后的方案",
        characteristic_weight=n,
        dimensions=_dims(groups),
    )


def test_edit_keeps_ids_and_entries_and_adds_a_dimension(world):
    party = Indicator.objects.get(dimension__scheme=world.scheme, name="党建工作")
    services.entry_save(actor=world.admin_a, indicator=party, school=world.md.school_a, value=D(90))
    groups = _inputs(world.scheme, 党建工作=10, 教学常规达标率=35)
    groups[("core", "安全管理")] = [services.IndicatorInput("安全台账", D(10))]
    # 10 + 35 + 30 + 10 + N 15 = 100
    _update(world, groups)
    world.scheme.refresh_from_db()
    assert world.scheme.name == "修改后的方案"
    assert Indicator.objects.get(pk=party.pk).weight == D(10)
    assert Entry.objects.get().indicator_id == party.pk  # the school's value stays with its item
    assert Indicator.objects.get(name="安全台账").dimension.name == "安全管理"
    assert Dimension.objects.filter(scheme=world.scheme, kind="characteristic").count() == 1
    log = AuditEvent.objects.filter(action="update", model__icontains="scheme").order_by("-pk").first()
    assert log is not None and "党建工作:15.00" in str(log.changes) and "党建工作:10" in str(log.changes)


def test_weights_not_making_100_are_refused_and_nothing_changes(world):
    before = _snapshot(world.scheme)
    with pytest.raises(DomainError) as exc:
        _update(world, _inputs(world.scheme, 党建工作=10))
    assert exc.value.message == "权重合计应为100%，现为95%（共性指标80%，特色项目15%）"
    assert _snapshot(world.scheme) == before
    world.scheme.refresh_from_db()
    assert world.scheme.name == "测试区学校考核方案"


def test_a_scheme_with_results_is_refused_until_they_are_withdrawn(world):
    services.results_compute(actor=world.officer, scheme=world.scheme, now=NOW)
    totals = dict(SchoolResult.objects.values_list("school_id", "total"))
    groups = _inputs(world.scheme, 党建工作=10, 教学常规达标率=45)
    with pytest.raises(DomainError) as exc:
        _update(world, groups)
    assert "已有2所学校的考核结果" in exc.value.message
    assert Indicator.objects.get(name="党建工作").weight == D(15)
    with pytest.raises(PermissionDenied):
        services.results_withdraw(actor=world.admin_a, scheme=world.scheme)
    assert services.results_withdraw(actor=world.officer, scheme=world.scheme) == 2
    log = AuditEvent.objects.filter(action="delete", model__icontains="scheme").get()
    assert log.changes["withdrawn_results"] == {str(k): str(v) for k, v in totals.items()}
    _update(world, groups)
    assert Indicator.objects.get(name="党建工作").weight == D(10)
    with pytest.raises(DomainError, match="尚无考核结果"):
        services.results_withdraw(actor=world.officer, scheme=world.scheme)


def test_an_entered_indicator_cannot_be_removed_or_turned_into_data(world):
    party = Indicator.objects.get(dimension__scheme=world.scheme, name="党建工作")
    services.entry_save(actor=world.admin_a, indicator=party, school=world.md.school_a, value=D(90))
    before = _snapshot(world.scheme)
    groups = _inputs(world.scheme, 教学常规达标率=55)
    del groups[("basic", "党建引领")]
    with pytest.raises(DomainError) as exc:
        _update(world, groups)
    assert exc.value.message == "“党建工作”已有1所学校填报，不能删除或改为数据生成"
    assert _snapshot(world.scheme) == before and Entry.objects.count() == 1


def test_the_n_weight_stays_while_schools_have_their_items(world):
    services.characteristic_items_save(
        actor=world.admin_a,
        scheme=world.scheme,
        school=world.md.school_a,
        items=[services.IndicatorInput("书法", D(15))],
    )
    with pytest.raises(DomainError) as exc:
        _update(world, _inputs(world.scheme, 党建工作=20), n=D(10))
    assert exc.value.message == (
        "已有1所学校按15%设定了特色项目，特色项目权重不能改为10%；请各校先调整特色项目"
    )
    assert Indicator.objects.get(name="党建工作").weight == D(15)


def test_ids_of_another_scheme_and_schools_are_refused(world):
    groups = _inputs(world.scheme)
    n_item = services.characteristic_items_save(
        actor=world.admin_a,
        scheme=world.scheme,
        school=world.md.school_a,
        items=[services.IndicatorInput("书法", D(15))],
    )[0]
    key = next(iter(groups))
    first = groups[key][0]
    groups[key][0] = services.IndicatorInput(first.name, first.weight, first.rule, pk=n_item.pk)
    with pytest.raises(DomainError, match="指标不属于本方案"):
        _update(world, groups)
    with pytest.raises(PermissionDenied):
        _update(world, _inputs(world.scheme), actor=world.admin_a)


def _page_post(world, weight):
    rows = list(
        Indicator.objects.filter(dimension__scheme=world.scheme, school__isnull=True)
        .select_related("dimension")
        .order_by("dimension__order", "order")
    )
    post: dict[str, Any] = {"form": "scheme_edit", "scheme_name": "新名称", "n_weight": "15"}
    post["year"] = world.md.year.start_year
    for n, i in enumerate(rows):
        post.update(
            {
                f"id_{n}": i.pk,
                f"kind_{n}": i.dimension.kind,
                f"dimension_{n}": i.dimension.name,
                f"name_{n}": i.name,
                f"source_{n}": i.source,
                f"rule_{n}": i.rule,
                f"floor_{n}": "" if i.floor is None else str(i.floor),
                f"target_{n}": "" if i.target is None else str(i.target),
                f"bands_{n}": ",".join(f"{a}:{b}" for a, b in i.thresholds),
                f"weight_{n}": str(weight if i.name == "党建工作" else i.weight),
            }
        )
    return post


def test_the_office_edits_the_scheme_on_the_page(world):
    client = login(Client(), world.officer)
    page = client.get(reverse("appraisal:district")).content.decode()
    assert "修改" in page and "保存修改" in page and 'name="id_0"' in page
    bad = client.post(reverse("appraisal:district"), _page_post(world, 20))
    body = bad.content.decode()
    assert bad.status_code == 400 and "权重合计应为100%，现为105%" in body
    assert 'value="20"' in body  # the posted rows come back beside the refusal
    assert Indicator.objects.get(name="党建工作").weight == D(15)
    post = _page_post(world, 15)
    post["id_0"] = "x"
    assert client.post(reverse("appraisal:district"), post).status_code == 400
    assert client.post(reverse("appraisal:district"), _page_post(world, 15)).status_code == 302
    world.scheme.refresh_from_db()
    assert world.scheme.name == "新名称"
    # a school's account is refused the form
    school = login(Client(raise_request_exception=False), world.admin_a)
    assert school.post(reverse("appraisal:district"), _page_post(world, 15)).status_code == 403
    # results computed: the page offers the withdrawal and refuses the edit until then
    assert client.post(reverse("appraisal:district"), {"form": "compute"}).status_code == 302
    assert "撤销考核结果" in client.get(reverse("appraisal:district")).content.decode()
    refused = client.post(reverse("appraisal:district"), _page_post(world, 15))
    assert refused.status_code == 400 and "请先撤销考核结果" in refused.content.decode()
    assert client.post(reverse("appraisal:district"), {"form": "withdraw"}).status_code == 302
    assert not SchoolResult.objects.exists()


def test_api_put_edits_the_scheme(world):
    api = APIClient()
    api.force_authenticate(world.officer)
    url = f"/api/v1/appraisal/schemes/{world.scheme.pk}/"
    dims = [
        {
            "kind": k,
            "name": n,
            "indicators": [
                {
                    "id": i.pk,
                    "name": i.name,
                    "weight": str(i.weight),
                    "rule": i.rule,
                    "source_code": i.source,
                    "floor": i.floor,
                    "target": i.target,
                    "thresholds": i.thresholds,
                }
                for i in inds
            ],
        }
        for (k, n), inds in _inputs(world.scheme, 党建工作=10).items()
    ]
    body = {"name": "接口修改", "characteristic_weight": "20", "dimensions": dims}
    assert api.put(url, body, format="json").status_code == 200
    assert Indicator.objects.get(name="党建工作").weight == D(10)
    body["characteristic_weight"] = "25"
    bad = api.put(url, body, format="json")
    assert bad.status_code == 400 and "权重合计应为100%" in str(bad.json())
    school = APIClient()
    school.force_authenticate(world.admin_a)
    assert school.put(url, body, format="json").status_code in (403, 404)
    world.scheme.refresh_from_db()
    assert world.scheme.characteristic_weight == D(20)
