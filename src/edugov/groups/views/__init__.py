"""Pages of school groups (集团化办学): the cockpit of every group the actor reads (an officer sets one
up there), a group's page (members, the term's eight unifications, activities, joint classes, the
effect chart) where members record activities and the head keeps plans, and a school's own groups."""

from __future__ import annotations

from .cockpit import cockpit, my_school
from .common import group_url
from .evidence import evidence_download, evidence_upload
from .group import activity_new, group_detail, group_edit, plan_save
from .joint_classes import joint_class_edit, joint_class_new

__all__ = [
    "activity_new",
    "cockpit",
    "evidence_download",
    "evidence_upload",
    "group_detail",
    "group_edit",
    "group_url",
    "joint_class_edit",
    "joint_class_new",
    "my_school",
    "plan_save",
]
