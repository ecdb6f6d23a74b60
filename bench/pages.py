"""Page speed (`make bench --only pages`): every page of every demo role's navigation, and every
report file the role may download, on the demo district (seed 1) served as production serves it.

    run(work_dir, kinds) -> [(module, figure, value, peer, ratio), ...]

- a temporary SQLite database with `demo --seed 1` (scale 1);
- `python -m bench.pages plan OUT`: inside Django, for each demo login, the landing page, the URL
  of every navigation entry the role sees (the context processor that draws the sidebar decides)
  and every registered report the role may run (`can(user, spec.action)`), as XLSX and PDF, with
  a value for each required parameter taken from the role's own scope;
- `edugov serve` (gunicorn, DEBUG off, the default two processes × four threads), started afresh
  for each role; the role logs in and fetches each URL once in order (the first visit after a
  fresh start), then N-1 more rounds; every response must be 200;
- per URL: first visit, p50 and p95 over all N; marked over target when p95 or the first visit
  passes 500 ms (pages) or 1 s (downloads). Then the count, the slowest five, per role and over
  all roles the pages and downloads over target / measured, and the verdict.

Every role at --runs 3 takes 9-18 min of wall (about 4 CPU minutes) at load 4-16, the demo built
already (--data-dir); building it adds about 3 min.

Standalone: `python -m bench.pages run [--runs 20] [--roles admin,leader]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PAGE_TARGET_MS = 500
EXPORT_TARGET_MS = 1000
PASSWORD_ENV = "EDUGOV_BENCH_DEMO_PASSWORD"


# --- inside Django -----------------------------------------------------------------------------


def _required_value(user: Any, name: str) -> str | None:
    """A value of a report's required parameter from the role's own scope (None: nothing to show)."""
    from edugov.accounts.scope import scoped

    if name == "month":
        from edugov.burden.models import Homework

        last = scoped(Homework, user).order_by("-date").values_list("date", flat=True).first()
        return last.strftime("%Y-%m") if last else None
    if name == "institution":
        from edugov.tutoring.models import Institution

        pk = scoped(Institution, user).order_by("pk").values_list("pk", flat=True).first()
        return str(pk) if pk else None
    if name == "group":
        from edugov.groups.selectors import group_list

        pk = group_list(actor=user).values_list("pk", flat=True).first()
        return str(pk) if pk else None
    if name == "ranking":
        from edugov.rectification.models import Ranking

        pk = scoped(Ranking, user).order_by("-pk").values_list("pk", flat=True).first()
        return str(pk) if pk else None
    return None


def _linked_params(user: Any, report: str) -> dict[str, str]:
    """What a page's download link adds to the required values: the group page names its term,
    the compliance page its default term (and a school account's page its school)."""
    if report == "groups.annual":
        from django.utils import timezone

        from edugov.common.terms import term_of

        return {"term": term_of(timezone.localdate())}
    if report == "burden.compliance":
        from edugov.burden.selectors import default_term

        term = default_term(user=user)
        if term is None:
            return {}
        own = {"school": str(user.school_id)} if user.school_id and user.teacher_id is None else {}
        return {"term": str(term.pk), **own}
    return {}


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def _sidebar(context: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(group, label, url) of every sidebar entry, as the navigation context processor draws them."""
    return [
        (_get(group, "label"), _get(item, "label"), _get(item, "url"))
        for group in context["nav_groups"]
        for item in _get(group, "items")
    ]


def plan() -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser  # noqa: F401 (settings loaded)
    from django.test import RequestFactory
    from django.urls import reverse
    from django.utils.http import urlencode

    from edugov.accounts.models import User
    from edugov.accounts.policy import can
    from edugov.demo.generators.accounts import DEMO_LOGINS, DEMO_PASSWORD
    from edugov.reports.registry import report_specs
    from edugov.web.context_processors import navigation

    factory = RequestFactory()
    roles = []
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            continue
        request = factory.get("/")
        request.user = user
        pages: list[dict[str, str]] = [{"label": "首页", "url": reverse("web:home"), "kind": "page"}]
        for group_label, label, url in _sidebar(navigation(request)):
            if all(p["url"] != url for p in pages):
                pages.append({"label": f"{group_label}·{label}", "url": url, "kind": "page"})
        for spec in report_specs():
            if not can(user, spec.action):
                continue
            params = {}
            for p in spec.params:
                if p.required:
                    value = _required_value(user, p.name)
                    if value is None:
                        break
                    params[p.name] = value
            else:
                params.update(_linked_params(user, spec.name))
                query = f"?{urlencode(params)}" if params else ""
                for fmt in ("xlsx", "pdf"):
                    if fmt in spec.formats:
                        url = reverse("reports:download", args=[spec.name, fmt]) + query
                        pages.append(
                            {"label": f"{spec.label}（{fmt.upper()}）", "url": url, "kind": "export"}
                        )
        roles.append({"username": login.username, "role": user.get_role_display(), "pages": pages})
    return {"password": DEMO_PASSWORD, "roles": roles}


# --- the driver --------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(env: dict[str, str]) -> tuple[subprocess.Popen[str], str, float]:
    """`edugov serve` on a free port; (process, base URL, seconds until the login page answered)."""
    import requests

    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "edugov", "serve", "--port", str(port), "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    # The server listens only once its master has loaded and warmed the application (--preload):
    # until then a connection is refused, so wait on the clock, not on a count of attempts.
    deadline = started + 600
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("edugov serve exited at start")
        try:
            requests.get(f"{base}/accounts/login/", timeout=60)
            return proc, base, time.perf_counter() - started
        except requests.RequestException:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("edugov serve did not start")


def _stop(server: subprocess.Popen[str]) -> None:
    """Stop the server: gunicorn lets its workers finish for up to 30 s (--graceful-timeout), more
    on a loaded machine; past a minute it is killed (the measurements are already taken)."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def _login(base: str, username: str, password: str) -> Any:
    import requests

    s = requests.Session()
    page = s.get(f"{base}/accounts/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    r = s.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=60,
        allow_redirects=False,
    )
    assert r.status_code == 302, f"login of {username} failed ({r.status_code})"
    return s


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def measure(db_env: dict[str, str], runs: int, roles: set[str] | None = None) -> list[dict[str, Any]]:
    from bench.harness import run_step

    layout = run_step("bench.pages", db_env, "plan")
    env = dict(db_env, EDUGOV_DEBUG="0")
    results = []
    for role in layout["roles"]:
        if roles and role["username"] not in roles:
            continue
        try:
            server, base, boot = _start_server(env)
        except RuntimeError as exc:  # one role's server that fails to start does not lose the others
            print(f"  pages: {role['username']}: {exc}", flush=True)
            continue
        print(f"  pages: {role['username']}, {len(role['pages'])} URLs × {runs}", flush=True)
        try:
            session = _login(base, role["username"], layout["password"])
            times: dict[str, list[float]] = {p["url"]: [] for p in role["pages"]}
            failures: dict[str, int] = {}
            for _ in range(runs):
                for page in role["pages"]:
                    start = time.perf_counter()
                    # A user follows a redirect (an entry that lands on its first sub-page).
                    r = session.get(base + page["url"], timeout=300)
                    _ = r.content
                    elapsed = (time.perf_counter() - start) * 1000
                    if r.status_code != 200:
                        failures.setdefault(page["url"], r.status_code)
                    times[page["url"]].append(elapsed)
            for page in role["pages"]:
                t = times[page["url"]]
                results.append(
                    {
                        **page,
                        "username": role["username"],
                        "role": role["role"],
                        "boot": boot,
                        "first": t[0],
                        "p50": statistics.median(t),
                        "p95": _p95(t),
                        "max": max(t),
                        "status": failures.get(page["url"], 200),
                    }
                )
        finally:
            _stop(server)
    return results


def _target(row: dict[str, Any]) -> int:
    return EXPORT_TARGET_MS if row["kind"] == "export" else PAGE_TARGET_MS


def table(results: list[dict[str, Any]], runs: int) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, peer: str = "") -> None:
        rows.append(("pages", figure, value, peer, ""))
        print(f"  {'pages':<14} {figure:<58} {value:>14}  {peer}", flush=True)

    add(
        f"targets: page p95 < {PAGE_TARGET_MS} ms, download < {EXPORT_TARGET_MS} ms, first visit included",
        f"N={runs}",
        "edugov serve (gunicorn 2×4, DEBUG off), SQLite, demo seed 1; restarted per role",
    )
    for row in results:
        over = max(row["p95"], row["first"]) > _target(row)
        add(
            f"{row['username']:<14} {row['label']}"[:58],
            f"{row['p95']:.0f} ms",
            f"first {row['first']:.0f}, p50 {row['p50']:.0f}, p95 {row['p95']:.0f}, max {row['max']:.0f}"
            f"  {row['url']}"
            + ("  ** OVER TARGET **" if over else "")
            + (f"  ** HTTP {row['status']} **" if row["status"] != 200 else ""),
        )
    pages = [r for r in results if r["kind"] == "page"]
    exports = [r for r in results if r["kind"] == "export"]
    over = [r for r in results if max(r["p95"], r["first"]) > _target(r)]
    add(
        "measured: pages / downloads (role × URL)",
        f"{len(pages)} / {len(exports)}",
        f"{len({r['url'] for r in results})} distinct URLs; "
        f"server start up to {max(r['boot'] for r in results):.1f} s",
    )
    for r in sorted(results, key=lambda r: max(r["p95"], r["first"]), reverse=True)[:5]:
        add(
            f"  slowest: {r['username']} {r['label']}"[:58],
            f"{max(r['p95'], r['first']):.0f} ms",
            f"first {r['first']:.0f}, p95 {r['p95']:.0f}",
        )
    for username in dict.fromkeys(r["username"] for r in results):
        mine = [r for r in results if r["username"] == username]
        add(f"per role: {username} ({mine[0]['role']})"[:58], _counts(mine), "over target / measured")
    failed = [f"{r['username']} {r['url']} ({r['status']})" for r in results if r["status"] != 200]
    if failed:
        add("not answered 200", f"{len(failed)}", ", ".join(failed)[:300])
    add(
        "over target",
        f"{len(over)}",
        "met" if not over else ", ".join(sorted({r["label"] for r in over}))[:200],
    )
    roles = len({r["username"] for r in results})
    add(f"all {roles} roles: over target / measured", _counts(results), "pages, downloads")
    return rows


def _counts(results: list[dict[str, Any]]) -> str:
    """'pages a/b, downloads c/d': over target of measured, by kind."""
    parts = []
    for kind, name in (("page", "pages"), ("export", "downloads")):
        rows = [r for r in results if r["kind"] == kind]
        over = sum(1 for r in rows if max(r["p95"], r["first"]) > _target(r))
        parts.append(f"{name} {over}/{len(rows)}")
    return ", ".join(parts)


def run(work: Path, kinds: list[str], runs: int | None = None, roles: set[str] | None = None) -> list:
    from bench.harness import Database, run_step

    runs = runs or int(os.environ.get("EDUGOV_BENCH_PAGE_RUNS", "20"))
    with Database("sqlite", work) as db:
        built = run_step("bench.worker", db.env(), "build-demo", "1")
        print(f"  pages: demo built in {built['seconds']:.0f} s", flush=True)
        results = measure(db.env(), runs, roles)
        (work / "pages.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return table(results, runs)


def main(argv: list[str]) -> None:
    if argv and argv[0] == "plan":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
        import django

        django.setup()
        print("BENCH " + json.dumps(plan(), ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(prog="python -m bench.pages")
    parser.add_argument("cmd", choices=["run"])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--roles", default="", help="comma-separated demo usernames (default: all)")
    parser.add_argument("--keep", default="", help="write the per-URL figures as JSON here")
    parser.add_argument("--data-dir", default="", help="measure this built demo (EDUGOV_DATA_DIR) instead")
    args = parser.parse_args(argv)
    roles = set(filter(None, args.roles.split(","))) or None
    if args.data_dir:
        path = os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH", ""), str(Path.cwd())]))
        env = dict(os.environ, EDUGOV_DATA_DIR=args.data_dir, PYTHONPATH=path)
        env.pop("DATABASE_URL", None)
        results = measure(env, args.runs, roles)
        table(results, args.runs)
        if args.keep:
            Path(args.keep).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    with tempfile.TemporaryDirectory(prefix="edugov-pages-") as tmp:
        run(Path(tmp), ["sqlite"], args.runs, roles)
        if args.keep:
            Path(args.keep).write_text(
                (Path(tmp) / "pages.json").read_text(encoding="utf-8"), encoding="utf-8"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
