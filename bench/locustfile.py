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


def page(client, name: str, path: str, marker: str) -> str:
    """GET a page that must answer 200 with `marker` in it (no redirect followed), as in run.py."""
    with client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
        if response.status_code == 200 and marker in response.text:
            response.success()
        else:
            response.failure(f"{response.status_code} without {marker!r}: {response.text[:200]}")
        return response.text


class Volunteer(HttpUser):
    """Signs in, scans the station's poster once, then checks their shifts and hours."""

    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self):
        login = page(self.client, "login page", "/accounts/login/", "csrfmiddlewaretoken")
        token = CSRF_FIELD.search(login).group(1)
        with self.client.post(
            "/accounts/login/",
            {
                "username": next(USERNAMES),
                "password": SETUP["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/accounts/login/" not in response.headers.get(
                "Location", ""
            ):
                response.success()
            else:
                response.failure(f"sign-in answered {response.status_code}: {response.text[:200]}")
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
        page(self.client, "my shifts", "/projects/mine/", 'id="upcoming"')

    @task(2)
    def my_hours(self):
        page(self.client, "my hours", "/service/hours/", 'id="total-hours"')

    @task(2)
    def home(self):
        page(self.client, "home", "/", 'id="headline-figures"')


class Visitor(HttpUser):
    """A resident reading the public site."""

    weight = 1
    wait_time = between(1, 3)

    @task(3)
    def home(self):
        page(self.client, "home", "/", 'id="headline-figures"')

    @task(2)
    def projects(self):
        page(self.client, "projects", "/projects/", 'id="project-q"')

    @task(1)
    def news(self):
        page(self.client, "news", "/news/", 'id="news-list"')
