from django.apps import AppConfig


class TutoringConfig(AppConfig):
    name = "edugov.tutoring"
    label = "tutoring"
    verbose_name = "校外培训监管"

    def ready(self) -> None:
        from edugov.accounts.models import Module, Role
        from edugov.web.navigation import NavItem, add_nav

        from . import demo, scopes  # noqa: F401  (registers scope rules and the demo generator)

        supervisors = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.INSPECTOR, Role.LEADER})
        for label, url_name, roles in (
            ("监管看板", "tutoring:dashboard", supervisors),
            ("培训机构", "tutoring:institution_list", None),
            ("风险预警", "tutoring:risk_list", supervisors),
            ("违规情况", "tutoring:violation_list", None),
            ("无证无照", "tutoring:unlicensed_list", supervisors),
            ("检查与执法", "tutoring:inspection_list", supervisors),
            ("投诉办理", "tutoring:complaint_list", supervisors),
        ):
            add_nav(NavItem(label, url_name, Module.TUTORING, roles))
        self._register_warehouse_tables()

    @staticmethod
    def _register_warehouse_tables() -> None:
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
