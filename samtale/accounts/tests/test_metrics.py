"""Sign-in failures in /metrics (accounts.metrics), counted in the audit log."""

from django.test import Client

from samtale.accounts.metrics import sign_in_metrics


def failures() -> dict[str, float]:
    (family,) = sign_in_metrics()
    return {sample.labels["reason"]: sample.value for sample in family.samples}


def test_it_counts_the_failed_sign_ins_from_the_audit_log(people):
    assert failures() == {"failed": 0, "refused": 0}
    for password in ("wrong", "also wrong"):
        Client().post("/logg-inn/", {"username": people.employee.email, "password": password})
    assert failures()["failed"] == 2
