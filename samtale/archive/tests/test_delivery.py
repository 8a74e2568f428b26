"""Delivery to the personnel file: once per channel, retried when it fails, never twice."""

import hashlib
import os

import pytest
from django.core import mail

from samtale.archive import channels, services
from samtale.archive.models import Delivery, SignedForm


def test_signing_queues_the_form_for_the_configured_channel(sign):
    form = SignedForm.objects.get(conversation=sign())
    delivery = form.deliveries.get()
    assert delivery.channel == Delivery.Channel.DOWNLOAD
    assert delivery.status == Delivery.Status.WAITING


def test_the_employee_is_told_once_with_a_link_and_no_content(sign, people):
    conversation = sign()
    link = f"/samtaler/{conversation.pk}/#revisjoner"
    ready = [m for m in mail.outbox if m.to == [people.employee.email] and link in m.body]
    assert len(ready) == 1
    assert "Bli trygg i fagsystemet" not in ready[0].body
    assert not [m for m in mail.outbox if m.to == [people.leader.email] and link in m.body]
    form = SignedForm.objects.get(conversation=conversation)
    services.employee_tell(form=form)
    assert len([m for m in mail.outbox if link in m.body]) == 1
    assert SignedForm.objects.get(pk=form.pk).employee_told_at is not None


def test_the_drop_folder_gets_the_package_once(folder, sign):
    form = SignedForm.objects.get(conversation=sign())
    delivery = form.deliveries.get()
    assert delivery.channel == Delivery.Channel.FOLDER
    assert delivery.status == Delivery.Status.DELIVERED, delivery.error
    files = [p for p in folder.iterdir()]
    assert [p.name for p in files] == [delivery.target]
    first = files[0].read_bytes()
    # Asked again (a second worker, a retry): nothing new lands, nothing is rewritten.
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.WAITING)
    again = services.delivery_attempt(delivery=Delivery.objects.get(pk=delivery.pk))
    assert again.status == Delivery.Status.DELIVERED
    assert [p.name for p in folder.iterdir()] == [delivery.target]
    assert files[0].read_bytes() == first


def test_a_missing_folder_fails_with_the_reason_and_a_retry_delivers(folder, sign):
    folder.rmdir()
    form = SignedForm.objects.get(conversation=sign())
    delivery = form.deliveries.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "finnes ikke" in delivery.error_text or "does not exist" in delivery.error_text
    assert delivery.attempts == 1
    folder.mkdir()
    delivery = services.delivery_attempt(delivery=delivery)
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 2
    assert len(list(folder.iterdir())) == 1


def test_a_full_folder_fails_and_leaves_no_half_file(folder, sign, monkeypatch):
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, handle, mode):
            self.file = real_fdopen(handle, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(channels.os, "fdopen", Full)
    form = SignedForm.objects.get(conversation=sign())
    delivery = form.deliveries.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error
    assert list(folder.iterdir()) == []


def test_a_different_file_under_the_same_name_is_never_overwritten(folder, sign):
    form = SignedForm.objects.get(conversation=sign())
    delivery = form.deliveries.get()
    path = folder / delivery.target
    path.write_bytes(b"someone else's file")
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    delivery = services.delivery_attempt(delivery=Delivery.objects.get(pk=delivery.pk))
    assert delivery.status == Delivery.Status.FAILED
    assert path.read_bytes() == b"someone else's file"


def test_the_worker_retries_what_is_due_after_its_wait(folder, sign):
    from datetime import timedelta

    from django.utils import timezone

    folder.rmdir()
    form = SignedForm.objects.get(conversation=sign())
    delivery = form.deliveries.get()
    assert delivery.status == Delivery.Status.FAILED
    assert list(services.deliveries_due()) == []
    folder.mkdir()
    due = list(services.deliveries_due(timezone.now() + timedelta(minutes=2)))
    assert [d.pk for d in due] == [delivery.pk]


def test_a_correction_is_a_new_form_and_a_new_delivery(
    folder, sign, people, django_capture_on_commit_callbacks
):
    from samtale.conversations.tests import summary_steps as steps

    conversation = sign()
    with django_capture_on_commit_callbacks(execute=True):
        steps.correction(conversation, people)
        steps.resubmit(conversation, people)
        steps.approve_and_sign(conversation, people)
    forms = SignedForm.objects.filter(conversation=conversation).order_by("created_at")
    assert [f.number for f in forms] == [1, 2]
    assert forms[1].content["replaces"] == 1
    assert all(f.deliveries.get().status == Delivery.Status.DELIVERED for f in forms)
    assert len(list(folder.iterdir())) == 2


def test_the_archive_staff_confirm_a_download_once(sign, archivist):
    delivery = SignedForm.objects.get(conversation=sign()).deliveries.get()
    services.delivery_confirm(actor=archivist, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.delivered_by == archivist
    at = delivery.delivered_at
    services.delivery_confirm(actor=archivist, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.delivered_at == at


def test_nobody_but_the_archive_staff_confirms(sign, people):
    from django.core.exceptions import PermissionDenied

    delivery = SignedForm.objects.get(conversation=sign()).deliveries.get()
    for person in (people.hr, people.admin, people.leader, people.employee):
        with pytest.raises(PermissionDenied):
            services.delivery_confirm(actor=person, delivery=delivery)


def test_the_pdf_checksum_is_kept(sign):
    form = SignedForm.objects.get(conversation=sign())
    assert form.pdf_sha256 == hashlib.sha256(bytes(form.pdf)).hexdigest()
