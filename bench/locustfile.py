"""The civility day (文明礼让日) at 08:00: volunteers sign in, check in at their station, look
around; the public reads the home page and the projects.

Run by bench/load.py against gunicorn; the volunteers' usernames come from the file named by
ZHIYUAN_LOAD_USERS (one JSON object: password, usernames, station token and coordinates).
"""

from __future__ import annotations

import itertools
import json
import os
import re

from locust import HttpUser, between, task

SETUP = json.loads(open(os.environ["ZHIYUAN_LOAD_USERS"], encoding="utf-8").read())  # noqa: SIM115
USERNAMES = itertools.cycle(SETUP["usernames"])
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Volunteer(HttpUser):
    """Signs in, scans the station's poster once, then checks their shifts and hours."""

    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF_FIELD.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {
                "username": next(USERNAMES),
                "password": SETUP["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
            allow_redirects=False,
        )
        self.checked_in = False

    @task(1)
    def check_in(self):
        if self.checked_in:
            return
        with self.client.post(
            "/api/v1/checkins",
            json={
                "token": SETUP["token"],
                "latitude": SETUP["latitude"],
                "longitude": SETUP["longitude"],
            },
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
            name="check in",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.checked_in = True
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(3)
    def my_shifts(self):
        self.client.get("/projects/mine/", name="my shifts")

    @task(2)
    def my_hours(self):
        self.client.get("/service/hours/", name="my hours")

    @task(2)
    def home(self):
        self.client.get("/", name="home")


class Visitor(HttpUser):
    """A resident reading the public site."""

    weight = 1
    wait_time = between(1, 3)

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(2)
    def projects(self):
        self.client.get("/projects/", name="projects")

    @task(1)
    def news(self):
        self.client.get("/news/", name="news")
