"""Locust users for `make bench` (web section): each user holds one of the sessions the bench
logged in through the login form, and reads the dashboard and the API as that demo user."""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

SESSIONS = json.loads(os.environ.get("EDUGOV_BENCH_SESSIONS", "[]"))


class DemoUser(HttpUser):
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
