"""Two pools of web workers behind one reverse proxy: the public's pages apart from the staff's.

On a holiday evening tens of thousands of parents press a class's acknowledgement link within
minutes; on a complaint day the public looks institutions up. Served by the same gunicorn workers,
those bursts queue the bureau's pages behind them (the safety office watching coverage rise waited
0.4 s for a page that takes 12 ms). So production runs the application twice, as the same code
over the same database: the staff's pool (`edugov serve`, port 8000) and the public's pool (port
8001, more threads), and the reverse proxy sends the public's routes, named below, to the second.
`edugov proxy_config` prints the nginx configuration from these names: a new public page joins
the public's pool by adding its URL name here, and `ops/tests/test_pools.py` walks every route
of the site to check that exactly these (and nothing a login protects) match the public's rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

# The pages a member of the public opens without an account.
PUBLIC_ROUTES: tuple[str, ...] = (
    "burden:board",  # a class's homework board for parents
    "safety:acknowledge",  # a class's holiday reminder and the parents' acknowledgement
    "safety:public_report",  # the drowning-risk report form
    "tutoring:public_lookup",  # institution lookup (white and black lists)
    "tutoring:public_detail",
    "tutoring:public_complaint",
    "tutoring:public_complaint_track",
)
STATIC_PREFIX = "/static/"  # the public's pages load their styles from here: served by the public's pool

_GROUP = re.compile(r"\(\?P<\w+>")


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name", or None for an unnamed pattern
    regex: str  # the whole path's regular expression, anchored ("^/.../$")


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        part = str(entry.pattern.regex.pattern).removeprefix("^")
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry, prefix + part, inner)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            full = (prefix + part).replace(r"\Z", "$")
            yield Route(name, "^/" + (full if full.endswith("$") else full + "$"))


def routes() -> list[Route]:
    """Every route of the site, with its whole path's expression."""
    return list(_walk(get_resolver(), "", ()))


@cache
def public_rules() -> tuple[str, ...]:
    """The public routes' path expressions, as the proxy matches them (named groups made plain:
    nginx would turn them into variables)."""
    by_name = {r.name: r.regex for r in routes() if r.name}
    missing = [n for n in PUBLIC_ROUTES if n not in by_name]
    if missing:
        raise LookupError(f"public routes not in the URL configuration: {missing}")
    return tuple(_GROUP.sub("(?:", by_name[n]) for n in PUBLIC_ROUTES)


def is_public(path: str) -> bool:
    """True when the proxy sends `path` to the public's pool."""
    return path.startswith(STATIC_PREFIX) or any(re.search(rule, path) for rule in public_rules())


@dataclass(frozen=True)
class ProxyOptions:
    staff: str = "127.0.0.1:8000"
    public: str = "127.0.0.1:8001"
    listen: str = "80"
    server_name: str = "_"
    read_timeout_s: int = 75  # gunicorn's own timeout (60 s) and a little


def nginx_config(options: ProxyOptions) -> str:
    """The nginx `upstream` and `server` blocks (inside `http { }`). Bodies up to the import limit
    and a megabyte pass the proxy, so that the application refuses what is too big, in Chinese."""
    max_body_mb = settings.EDUGOV_IMPORT_MAX_BYTES // (1024 * 1024) + 1
    public = "\n".join(
        f'    location ~ "{rule}" {{ proxy_pass http://edugov_public; }}' for rule in public_rules()
    )
    return f"""# edugov behind nginx: the public's pages on their own worker pool (edugov proxy_config)
upstream edugov_staff {{
    server {options.staff};
    keepalive 16;
}}
upstream edugov_public {{
    server {options.public};
    keepalive 32;
}}
server {{
    listen {options.listen};
    server_name {options.server_name};
    client_max_body_size {max_body_mb}m;
    proxy_read_timeout {options.read_timeout_s}s;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;

    # the public's pages (edugov.ops.pools.PUBLIC_ROUTES) and the styles they load
{public}
    location {STATIC_PREFIX} {{ proxy_pass http://edugov_public; }}
    # everything else: the staff's pages, the API, the admin
    location / {{ proxy_pass http://edugov_staff; }}
}}
"""
