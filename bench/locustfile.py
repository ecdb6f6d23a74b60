"""Locust users for `make bench`: each user holds one of the sessions the bench signed in (through
the login form, or created server-side for the bench's teachers) and sends it as a cookie.

FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares the two
cores with the server and the database, and it spends several times less CPU per request."""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets

import gevent
from locust import FastHttpUser, between, task

SESSIONS = json.loads(os.environ.get("EDUGOV_BENCH_SESSIONS", "[]"))
SCENARIO = os.environ.get("EDUGOV_BENCH_SCENARIO", "web")
JOBS = json.loads(os.environ.get("EDUGOV_BENCH_JOBS", "[]"))
_next_job = itertools.count()


class SignedInUser(FastHttpUser):
    abstract = True

    def on_start(self) -> None:
        self.cookie = {"Cookie": f"sessionid={random.choice(SESSIONS)}"}

    def get(self, path: str, name: str) -> None:
        self.client.get(path, name=name, headers=self.cookie)


class DemoUser(SignedInUser):
    abstract = SCENARIO != "web"
    wait_time = between(0.5, 1.5)

    @task(3)
    def dashboard(self) -> None:
        self.get("/", name="dashboard")

    @task(1)
    def api_schools(self) -> None:
        self.get("/api/v1/registry/schools/", name="api schools")

    @task(1)
    def api_classes(self) -> None:
        self.get("/api/v1/registry/classes/", name="api classes")


class RectificationUser(SignedInUser):
    """Scenario "rectification" (bench/rectification.py): a bureau user loading the battle map (the
    page and its data request) and the item board, with 10,000 open items."""

    abstract = SCENARIO != "rectification"
    wait_time = between(0.5, 1.5)

    @task(2)
    def battle_map(self) -> None:
        self.get("/rectification/map/", name="battle map page")
        self.get("/rectification/map/data/", name="battle map data")

    @task(2)
    def item_list(self) -> None:
        self.get("/rectification/items/", name="item board")

    @task(1)
    def item_list_filtered(self) -> None:
        self.get("/rectification/items/?status=open&page=3", name="item board page 3")


class TeacherPublishing(FastHttpUser):
    """Scenario "publish" (bench/load.py): each user is one signed-in teacher with one class and
    subject, publishing that subject's homework for another school day every few seconds."""

    abstract = SCENARIO != "publish"
    wait = json.loads(os.environ.get("EDUGOV_BENCH_WAIT", "[4, 8]"))
    wait_time = between(*wait)

    def on_start(self) -> None:
        # Each teacher's first entry comes within one pause of signing in, as the later ones do:
        # otherwise all 200 first entries fall in the few seconds locust takes to start the users
        # (that burst is the herd bench/load.py measures on its own).
        gevent.sleep(random.uniform(0, self.wait[1]))
        self.job = JOBS[next(_next_job) % len(JOBS)]
        self.dates = iter(self.job["dates"])
        csrf = secrets.token_hex(16)  # any well-formed token: the cookie and the header must agree
        self.headers = {
            "Cookie": f"sessionid={self.job['session']}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Referer": self.host + "/burden/homework/new/",
        }

    @task
    def publish(self) -> None:
        date = next(self.dates, None)
        if date is None:
            return  # this teacher has published every free day set aside for the run
        body = {
            "school_class": self.job["class_id"],
            "subject": self.job["subject"],
            "date": date,
            "homework_type": "inquiry",
            "content": "探究：测量并记录（压力测试）",
            "estimated_minutes": 20,
        }
        url = "/api/v1/burden/homework/"
        name = "publish homework"
        with self.client.post(url, json=body, headers=self.headers, name=name, catch_response=True) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:80]}")
