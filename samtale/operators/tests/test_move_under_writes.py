"""A move as an autosaving writer sees it (issue 74, point 3): gunicorn serves the tenant in
processes of its own (reading the register every REFRESH_SECONDS, as in production), an
employee's preparation note is saved over and over as the autosave script saves it, and
the tenant is moved to the second server meanwhile. No save is answered with an error
(500): while the database takes no writes each is answered 503 with Retry-After, from the
first (the register says "moving" before the database turns read-only, and a process that
has not read it since learns it from the first write its database refuses); after the
move saves are answered 200 again; and every save answered 200 is on the new server."""

import secrets
import threading
import time
from collections import Counter

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from samtale import tenancy
from samtale.conversations.models import Note
from samtale.operators import moving, services
from samtale.operators.tests.conftest import movable, planned_conversation
from samtale.tenancy.models import Registration
from testkit.live import gunicorn, shared_database
from testkit.people import make_people

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(databases=["default", "control"], transaction=True),
    pytest.mark.xdist_group("tenants"),
]

SLUG = "skrivvik"
HOST = f"{SLUG}.testserver"
# Bounds for a run that never ends (not timing assertions).
WAIT = 120


def test_an_autosaving_writer_gets_try_again_never_an_error(second, tmp_path, django_db_blocker):
    with django_db_blocker.unblock(), movable(SLUG, "Skrivvik kommune") as tenant:
        _saved_through_a_move(tenant, second, tmp_path)


def _saved_through_a_move(tenant, second, tmp_path) -> None:
    with tenancy.activated(tenant):
        people = make_people()
        conversation = planned_conversation(people)
        login = Client(HTTP_HOST=HOST)
        login.force_login(people.employee)
        session = login.cookies["samtale_session"].value
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    env = shared_database(tmp_path).env(
        ALLOWED_HOSTS=f"127.0.0.1,{HOST}",
        SAMTALE_DATABASE_SERVERS=f"second={second}",
        SAMTALE_READY_REQUIRES="none",
        # The session made here is the processes' too (its hash is keyed with the secret).
        SECRET_KEY=settings.SECRET_KEY,
    )
    with gunicorn(env, tmp_path / "gunicorn.log") as port:
        writer = _Writer(f"http://127.0.0.1:{port}{url}", session)
        writer.start()
        try:
            writer.until(lambda: writer.answers[200] >= 5)
            moved = moving.tenant_move(SLUG, "second", say=lambda line: None)
            writer.until(lambda: writer.answers[200] >= writer.ok_before_move + 5)
        finally:
            writer.stop()
    log = (tmp_path / "gunicorn.log").read_text()
    print(
        f"\nmove under autosave: {dict(writer.answers)}; read-only {moved.read_only_seconds:.1f}"
        f" s; 503s over {writer.refused_seconds():.1f} s"
    )
    assert writer.answers[500] == 0 and not writer.other, (writer.other, log[-2000:])
    assert writer.answers[503] > 0 and writer.retry_after == {"60"}
    assert Registration.objects.get(slug=SLUG).server == "second"
    with tenancy.activated(services.tenant_get(SLUG)):
        assert Note.objects.get(preparation__conversation=conversation).text == writer.last_saved


class _Writer(threading.Thread):
    """The autosave script's loop: the note's text changed and sent with the version last
    saved; a 503 is tried again with the same version, as the script does."""

    def __init__(self, url: str, session: str):
        super().__init__(daemon=True)
        token = secrets.token_hex(16)
        self.http = requests.Session()
        self.http.cookies.update({"samtale_session": session, "csrftoken": token})
        self.http.headers.update({"Host": HOST, "Accept": "application/json", "X-CSRFToken": token})
        self.url = url
        self.answers: Counter[int] = Counter()
        self.other: list[str] = []
        self.retry_after: set[str] = set()
        self.refused_at: list[float] = []
        self.version = 0
        self.last_saved = ""
        self.ok_before_move = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stopped.is_set():
            n += 1
            text = f"Notat {n}"
            answer = self.http.post(
                self.url, {"text": text, "version": self.version}, timeout=30, allow_redirects=False
            )
            self.answers[answer.status_code] += 1
            if answer.status_code == 200:
                self.version, self.last_saved = answer.json()["version"], text
                if not self.refused_at:
                    self.ok_before_move = self.answers[200]
            elif answer.status_code == 503:
                self.refused_at.append(time.monotonic())
                self.retry_after.add(answer.headers.get("Retry-After", ""))
            else:
                self.other.append(f"{answer.status_code}: {answer.text[:200]}")
            time.sleep(0.05)

    def until(self, done) -> None:
        deadline = time.monotonic() + WAIT
        while not done():
            assert time.monotonic() < deadline, dict(self.answers)
            assert not self.other, self.other
            time.sleep(0.05)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=WAIT)

    def refused_seconds(self) -> float:
        return self.refused_at[-1] - self.refused_at[0] if self.refused_at else 0.0
