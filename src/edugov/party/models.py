"""Party leadership status in schools (党组织领导的校长负责制): per school, the party organisation's
kind, whether the system runs (rules adopted, meetings held per term as counts), demonstration
schools and the school's brand (一校一品); the district's year-end target as data.
Statuses and counts only: no member lists, no personal political data (STANDARDS.md §12)."""

from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    BRANCH = "branch", "党支部"
    GENERAL_BRANCH = "general_branch", "党总支"
    COMMITTEE = "committee", "党委"
    ATTACHED = "attached", "联合或挂靠其他党组织"
    NONE = "none", "未建立"


class PartyStatus(models.Model):
    school = models.OneToOneField(
        "registry.School", verbose_name="学校", on_delete=models.CASCADE, related_name="party_status"
    )
    org_kind = models.CharField("党组织形式", max_length=16, choices=OrgKind.choices, default=OrgKind.NONE)
    attached_to = models.ForeignKey(
        "registry.School",
        verbose_name="联合或挂靠学校",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rules_adopted = models.BooleanField("已制定党组织会议议事规则", default=False)
    office_rules_adopted = models.BooleanField("已制定校长办公会议议事规则", default=False)
    adopted_on = models.DateField("实行日期", null=True, blank=True)
    demonstration = models.BooleanField("示范校", default=False)
    brand = models.CharField("党建品牌（一校一品）", max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党组织领导的校长负责制"
        verbose_name_plural = "党组织领导的校长负责制"

    def __str__(self) -> str:
        return f"{self.school}·{self.get_org_kind_display()}"

    @property
    def covered(self) -> bool:
        """Runs under the system: an organisation exists and both sets of rules are adopted."""
        return self.org_kind != OrgKind.NONE and self.rules_adopted and self.office_rules_adopted


class MeetingCount(models.Model):
    """Meetings held in a term, as counts: the party organisation's meetings deciding the school's
    major matters, and the principal's office meetings."""

    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="party_meetings")
    term = models.CharField("学期", max_length=16)
    party_meetings = models.PositiveIntegerField("党组织会议（次）", default=0)
    office_meetings = models.PositiveIntegerField("校长办公会议（次）", default=0)

    class Meta:
        verbose_name = "会议次数"
        verbose_name_plural = "会议次数"
        ordering = ["school", "-term"]
        constraints = [models.UniqueConstraint(fields=["school", "term"], name="party_meetings_once")]

    def __str__(self) -> str:
        return f"{self.school}·{self.term}"


class CoverageTarget(models.Model):
    """The district's target: every primary and secondary school under the system by the deadline."""

    area = models.ForeignKey("registry.Area", verbose_name="区县", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    deadline = models.DateField("完成期限")
    share = models.PositiveSmallIntegerField("覆盖目标（%）", default=100)

    class Meta:
        verbose_name = "覆盖目标"
        verbose_name_plural = "覆盖目标"
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="party_target_once"),
            models.CheckConstraint(condition=models.Q(share__lte=100), name="party_target_share"),
        ]

    def __str__(self) -> str:
        return f"{self.area}·{self.year}年"


class TutoringPartyCount(models.Model):
    """Party organisation coverage of the district's off-campus tutoring institutions in a year, as
    counts only (no institution's or person's political data): the institutions, those with their
    own organisation, those under a joint or attached one."""

    area = models.ForeignKey("registry.Area", verbose_name="区县", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    institutions = models.PositiveIntegerField("校外培训机构数")
    own_org = models.PositiveIntegerField("单独建立党组织", default=0)
    joint_org = models.PositiveIntegerField("联合建立或挂靠党组织", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "校外培训机构党组织覆盖"
        verbose_name_plural = "校外培训机构党组织覆盖"
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="party_tutoring_once"),
            models.CheckConstraint(
                condition=models.Q(own_org__lte=models.F("institutions") - models.F("joint_org")),
                name="party_tutoring_parts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}·{self.year}年"

    @property
    def covered(self) -> int:
        return self.own_org + self.joint_org

    @property
    def share(self) -> float | None:
        return round(100 * self.covered / self.institutions, 1) if self.institutions else None
