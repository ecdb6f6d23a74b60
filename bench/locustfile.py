"""Locust users for `make bench` (web section): each user holds one of the sessions the bench
logged in through the login form, and reads the dashboard and the API as that demo user."""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

SESSIONS = json.loads(os.environ.get("EDUGOV_BENCH_SESSIONS", "[]"))
SCENARIO = os.environ.get("EDUGOV_BENCH_SCENARIO", "web")


class DemoUser(HttpUser):
    abstract = SCENARIO != "web"
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", random.choice(SESSIONS))

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(1)
    def api_schools(self) -> None:
        self.client.get("/api/v1/schools/", name="api schools")

    @task(1)
    def api_classes(self) -> None:
        self.client.get("/api/v1/classes/", name="api classes")


class RectificationUser(HttpUser):
    """Scenario "rectification" (bench/rectification.py): a bureau user loading the battle map (the
    page and its data request) and the item board, with 10,000 open items."""

    abstract = SCENARIO != "rectification"
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", random.choice(SESSIONS))

    @task(2)
    def battle_map(self) -> None:
        self.client.get("/rectification/map/", name="battle map page")
        self.client.get("/rectification/map/data/", name="battle map data")

    @task(2)
    def item_list(self) -> None:
        self.client.get("/rectification/items/", name="item board")

    @task(1)
    def item_list_filtered(self) -> None:
        self.client.get("/rectification/items/?status=open&page=3", name="item board page 3")
