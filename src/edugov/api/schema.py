"""The OpenAPI document's inspector: an operation that names no tag of its own is tagged with its
module's Chinese label, read from its place under the one API root (/api/v1/<module>/...)."""

from __future__ import annotations

from drf_spectacular import openapi

from edugov.modules import module_label

ROOT = ("api", "v1")
# Endpoints of the API itself and of the core report registry, not of a declared module.
OWN_TAGS = {"auth": "认证", "reports": "报表"}


def path_tag(path: str) -> str:
    parts = path.strip("/").split("/")
    if tuple(parts[: len(ROOT)]) != ROOT or len(parts) <= len(ROOT):
        return "接口"
    segment = parts[len(ROOT)]
    return OWN_TAGS.get(segment) or module_label(segment)


class AutoSchema(openapi.AutoSchema):
    def get_tags(self) -> list[str]:
        return [path_tag(self.path)]
