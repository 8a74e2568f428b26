"""The operators' sign-in under a burst of guesses: a module of its own, for its test commits
(and so empties the control database after it), which a module's second tenant would not
outlive."""

import copy
import threading

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.utils import load_backend

from samtale.operators import operators
from samtale.operators.tests.test_operators import OPS, PASSWORD, _from


@pytest.mark.django_db(databases=["default", "control"], transaction=True)
def test_thirty_guesses_at_once_have_five_passwords_checked(settings, hosts, monkeypatch, tmp_path):
    """30 threads post a guess at the same moment, as a burst from one address would, each
    on a connection of its own: the conditional UPDATE lets THROTTLE_FAILURES through, and
    the rest are refused before their password is looked at. On PostgreSQL the test's
    control database; on SQLite, whose test database lives in one connection's memory, a
    file of its own, as a production installation's is."""
    settings.SAMTALE_OPERATOR_HOSTS = [OPS]
    connection_for = _control_connections(tmp_path)
    operators.operator_set("kari", PASSWORD)
    checked = []
    check_password = operators.check_password

    def counted(password, encoded):
        checked.append(password)
        return check_password(password, encoded)

    monkeypatch.setattr(operators, "check_password", counted)
    start = threading.Barrier(30)
    answers = []

    def guess(number: int) -> None:
        connections["control"] = connection_for()
        try:
            client = _from("203.0.113.7")
            start.wait()
            answers.append(
                client.post("/logg-inn/", {"username": "kari", "password": f"g{number:013}"})
            )
        finally:
            connections["control"].close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers)
    print(f"\n30 guesses at once: {len(checked)} passwords checked, {statuses.count(429)} refused")
    assert len(checked) == operators.THROTTLE_FAILURES
    assert statuses == [200] * 5 + [429] * 25


def _control_connections(tmp_path):
    """What makes each thread's connection to the control database; on SQLite a file
    made and migrated here, which this thread uses too until the test ends."""
    if connections["control"].vendor != "sqlite":
        return lambda: connections.create_connection("control")
    config = copy.deepcopy(connections.settings["control"])
    config["NAME"] = str(tmp_path / "control.sqlite3")

    def make():
        return load_backend(config["ENGINE"]).DatabaseWrapper(config, "control")

    original = connections["control"]
    connections["control"] = make()
    call_command("migrate", "tenants", database="control", verbosity=0, skip_checks=True)
    _restore.append(lambda: setattr(connections._connections, "control", original))
    return make


_restore: list = []


@pytest.fixture(autouse=True)
def _control_connection_restored():
    yield
    while _restore:
        _restore.pop()()
