"""The load test's users (Locust), started by bench/loadtest.py: see there.

Employees prepare: they open their preparation and autosave a note every 2–5 s with the
version check, as static/js/autosave.js does; every tenth is a second tab on the same
note as the one before, so conflicts happen and must be answered as conflicts. Leaders
open *Oppfølging* and update their actions. HR reads the insight and the round's pages.
Everyone opens their home page now and then.

Every save the server acknowledged goes into a ledger (LOAD_LEDGER, JSON) with its
version and text, and every failure with its time; loadtest.py compares the ledger with
the database afterwards.
"""

import itertools
import json
import os
import random
import time
from datetime import UTC, datetime

import urllib3
from locust import HttpUser, between, events, task

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

with open(os.environ["LOAD_PLAN"], encoding="utf-8") as f:
    PLAN = json.load(f)
# served: requests answered well, per second (so the fault run sees the app come back).
LEDGER = {
    "started": datetime.now(UTC).isoformat(),
    "actions": sorted({a for leader in PLAN["leaders"] for a in leader["actions"]}),
    "saves": [],
    "conflicts": 0,
    "bad_conflicts": [],
    "failures": [],
    "served": {},
}
WORDS = [
    "trivsel",
    "mål",
    "kompetanse",
    "ærlig",
    "øving",
    "åpen",
    "samarbeid",
    "fagdag",
    "tilbakemelding",
]
# In templates/errors/500.html: the answer is the app's own error page.
ERROR_PAGE = "Noe gikk galt hos oss"
_slots = {"employee": itertools.count(), "leader": itertools.count(), "hr": itertools.count()}


@events.request.add_listener
def _answered(request_type, name, response_time, response_length, exception=None, **kwargs):
    now = time.time()
    if exception is None:
        second = str(int(now))
        LEDGER["served"][second] = LEDGER["served"].get(second, 0) + 1
        return
    response = kwargs.get("response")
    status = getattr(response, "status_code", 0) or 0
    # The app's own error page, or something else (a proxy's, a traceback)?
    page = "error page" if ERROR_PAGE in (getattr(response, "text", "") or "") else ""
    LEDGER["failures"].append([now, f"{request_type} {name}", status, str(exception), page])


@events.quitting.add_listener
def _write_ledger(environment, **kwargs):
    with open(os.environ["LOAD_LEDGER"], "w", encoding="utf-8") as f:
        json.dump(LEDGER, f)


class Signed(HttpUser):
    abstract = True

    def sign_in(self, session_key: str) -> None:
        if self.host.startswith("https:"):
            # Through Caddy (LOADTEST_STACK): its own CA, on loopback. A browser sends its
            # origin with every POST; over HTTPS Django's CSRF check insists on it.
            self.client.verify = False
            self.client.headers["Origin"] = self.host
        self.client.cookies.set("samtale_session", session_key, domain="127.0.0.1", path="/")
        # The home page, as after signing in; it also sets the CSRF cookie.
        self.home()

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", domain="127.0.0.1") or ""

    @task(1)
    def home(self):
        self.client.get("/", name="/ (home)")


class Employee(Signed):
    weight = 140
    wait_time = between(2, 5)

    def on_start(self):
        slot = next(_slots["employee"])
        # Slots 9, 18, 27 … are a second tab on the note of the slot before.
        entry = PLAN["employees"][(slot - (slot + 1) // 10) % len(PLAN["employees"])]
        self.slot = slot
        self.sign_in(entry["session"])
        self.conversation = entry["conversation"]
        self.theme = entry["themes"][0]
        self.version = None
        self.seq = 0

    def open_preparation(self):
        with self.client.get(
            f"/samtaler/{self.conversation}/forberedelse/",
            name="/samtaler/[id]/forberedelse/",
            catch_response=True,
        ) as response:
            marker = f'data-autosave-url="/samtaler/{self.conversation}/notat/{self.theme}/"'
            at = response.text.find(marker) if response.status_code == 200 else -1
            if at < 0:
                response.failure(f"no autosave field for {self.theme} ({response.status_code})")
                return
            tail = response.text[at:]
            start = tail.find('data-version="') + len('data-version="')
            self.version = int(tail[start : tail.find('"', start)])

    @task(10)
    def autosave(self):
        if self.version is None:
            self.open_preparation()
            if self.version is None:
                return
        self.seq += 1
        text = f"{self.slot}-{self.seq} " + " ".join(random.choices(WORDS, k=random.randint(5, 60)))
        base = self.version
        with self.client.post(
            f"/samtaler/{self.conversation}/notat/{self.theme}/",
            data={"text": text, "version": base},
            headers={"Accept": "application/json", "X-CSRFToken": self.csrf()},
            name="POST /samtaler/[id]/notat/[tema]/",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                saved = response.json()["version"]
                LEDGER["saves"].append([self.conversation, self.theme, saved, text, base])
                self.version = saved
                response.success()
            elif response.status_code == 409:
                # A conflict is an answer, not an error: the other tab's text is shown and
                # this one goes on from its version, as the person would.
                answer = response.json()
                LEDGER["conflicts"] += 1
                if answer["version"] <= base:
                    LEDGER["bad_conflicts"].append([self.conversation, base, answer["version"]])
                self.version = answer["version"]
                response.success()
            else:
                response.failure(f"status {response.status_code}")

    @task(1)
    def reopen(self):
        self.open_preparation()


class Leader(Signed):
    weight = 45
    wait_time = between(3, 8)

    def on_start(self):
        entry = PLAN["leaders"][next(_slots["leader"]) % len(PLAN["leaders"])]
        self.sign_in(entry["session"])
        self.actions = entry["actions"]

    @task(3)
    def follow_up(self):
        self.client.get("/oppfolging/", name="/oppfolging/")

    @task(2)
    def update_action(self):
        action = random.choice(self.actions)
        self.client.post(
            f"/tiltak/{action}/oppdater/",
            data={
                "status": random.choice(["not_started", "in_progress"]),
                "comment": f"Status {random.randint(1, 10**6)}",
            },
            headers={"X-CSRFToken": self.csrf(), "HX-Request": "true"},
            name="POST /tiltak/[id]/oppdater/",
        )

    @task(1)
    def action_page(self):
        self.client.get(f"/tiltak/{random.choice(self.actions)}/", name="/tiltak/[id]/")


class HR(Signed):
    weight = 15
    wait_time = between(5, 10)

    def on_start(self):
        entry = PLAN["hr"][next(_slots["hr"]) % len(PLAN["hr"])]
        self.sign_in(entry["session"])

    @task(2)
    def insight(self):
        self.client.get("/innsikt/", name="/innsikt/")

    @task(2)
    def round_page(self):
        if PLAN["round"]:
            self.client.get(f"/runder/{PLAN['round']}/", name="/runder/[id]/")

    @task(1)
    def rounds(self):
        self.client.get("/runder/", name="/runder/")
