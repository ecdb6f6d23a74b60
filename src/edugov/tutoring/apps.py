"""Off-campus tutoring supervision declares itself as a module (edugov.modules): navigation, policy,
scope rules, warehouse tables and demo generator."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec, landing


def _register_demo() -> None:
    from . import demo  # noqa: F401  (registers the demo generator)


def _register_warehouse() -> None:
    """What the risk score reads (risk_inputs.RISK_TABLES), for DuckDB/Spark at province scale:
    money rows by calendar year and district. Names, phones, bank accounts, complaint texts and
    tracking codes stay in the operational database (encrypted fields never leave it)."""
    from edugov.warehouse.registry import register_table

    from . import models as m

    register_table(
        "tutoring_institution",
        m.Institution,
        area="area",
        exclude=("legal_representative", "contact_phone", "custody_account"),
    )
    by_district = "institution__area"
    register_table("tutoring_order", m.Order, day="paid_on", area=by_district)
    register_table("tutoring_consumption", m.Consumption, day="date", area=by_district)
    register_table("tutoring_refund", m.Refund, day="requested_on", area=by_district)
    register_table(
        "tutoring_statement", m.CustodyStatement, day="date", area=by_district, exclude=("account",)
    )
    register_table("tutoring_status_change", m.StatusChange, day="changed_on", area=by_district)
    register_table(
        "tutoring_complaint",
        m.Complaint,
        day="submitted_on",
        area="area",
        exclude=("content", "reply", "tracking_code"),
    )


class TutoringConfig(ModuleConfig):
    name = "edugov.tutoring"
    label = "tutoring"
    verbose_name = "校外培训监管"
    default = True

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module, Role
        from edugov.web.navigation import NavItem

        def nav(label: str, url_name: str, action: str) -> NavItem:
            return NavItem(label, url_name, Module.TUTORING, action=f"tutoring.{action}")

        return ModuleSpec(
            code=Module.TUTORING,
            label=str(Module.TUTORING.label),
            departments=frozenset({Department.TUTORING_SUPERVISION}),
            nav=(
                nav("监管看板", "tutoring:dashboard", "supervise"),
                nav("培训机构", "tutoring:institution_list", "view"),
                nav("风险预警", "tutoring:risk_list", "supervise"),
                nav("违规情况", "tutoring:violation_list", "view"),
                nav("无证无照", "tutoring:unlicensed_list", "supervise"),
                nav("检查与执法", "tutoring:inspection_list", "supervise"),
                nav("投诉办理", "tutoring:complaint_list", "supervise"),
            ),
            policy="permissions",
            api_urls="edugov.tutoring.api_urls",
            scopes="scopes",
            warehouse=_register_warehouse,
            demo=_register_demo,
            landing={Role.INSTITUTION_OPERATOR: landing(f"{self.name}.landing.operator_card")},
        )
