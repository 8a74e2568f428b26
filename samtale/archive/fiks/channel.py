"""The Fiks Arkiv channel (SAMTALE_ARCHIVE_CHANNEL=fiks): each signed form filed into the
employee's personnel file in the municipality's archive system, by the worker.

One delivery's exchange, each step recorded on it (`Delivery.stage`, the message in flight,
when it went) and in the audit log:

1. `start`: ``innsyn.sok`` for the personnel file classified by the employee's key.
2. On the search result: ``arkivmelding.opprett`` filing the form into the file found, or
   into a personnel file created in the same message.
3. ``…mottatt``: the archive has the message. ``…kvittering``: filed; the archive's ids are
   kept and the delivery is delivered — never before a receipt.
4. ``ugyldigforespoersel``: refused, with the archive's words, and not sent again as it is.
   ``serverfeil``, no answer within the message's lifetime, or a broker that does not
   answer: failed with the reason, and tried again after the back-off
   (archive.services.RETRY_MINUTES). A message sent again has the same external key, so
   the archive recognises a form it already filed: every form is filed once.

An answer counts only when it is the archive's: its ``avsender-id`` is the configured
archive account, its ``svar-til`` names the message in flight of a delivery (Samtale sent
it to that account), and its payload decrypts with Samtale's key, its manifest's signature
verifies against the archive's configured certificate over the exact bytes, every file
matches the manifest, and the payload is valid against its type's schema. Anything else
(a forged receipt, a reply to a message no delivery waits for, one sent before a retry or
received twice, garbage) is set aside (core.setaside: once, with a log line and an audit
entry) and acknowledged: the delivery stays where it was, and the queue goes on. A message
whose handling raises (the database away) is given again once, then set aside too.
"""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.archive import alerts, causes, noark
from samtale.archive import package as archive_package
from samtale.archive.fiks import asic, configured, keys, messages
from samtale.archive.fiks.transport import (
    CLIENT_MESSAGE_ID,
    CORRELATION,
    DOCUMENT_STORE,
    Message,
    Transport,
    Unavailable,
    Uncertain,
)
from samtale.archive.models import Delivery
from samtale.core import setaside
from samtale.core.audit import audit_log
from samtale.tenancy import tenant_settings

log = logging.getLogger(__name__)

S = Delivery.Stage


def transport() -> Transport:
    """This municipality's way to its archive (archive.fiks.configured): KS's Fiks IO, or a
    broker of its own."""
    return configured.transport()


def _own() -> asic.Identity:
    return keys.load(
        tenant_settings.SAMTALE_FIKS_CERTIFICATE, tenant_settings.SAMTALE_FIKS_PRIVATE_KEY
    )


def _archive() -> asic.Identity:
    """The archive's configured certificate: its answers' signatures are checked against it."""
    return keys.load(tenant_settings.SAMTALE_FIKS_ARCHIVE_CERTIFICATE)


def _receiver(via: Transport) -> asic.Identity:
    """The certificate a message to the archive is encrypted for: the one Fiks IO's catalogue
    publishes for its account (which the archive rotates), else the configured one."""
    published = via.public_key(tenant_settings.SAMTALE_FIKS_ARCHIVE_ACCOUNT)
    return asic.Identity.from_pem(published) if published else _archive()


def lifetime() -> timedelta:
    return timedelta(minutes=settings.SAMTALE_FIKS_LIFETIME_MINUTES)


def filing_of(delivery: Delivery, personnel_file: str | None) -> messages.Filing:
    form = delivery.form
    record = archive_package.record_of(form)
    return messages.Filing(
        record=record,
        document_name=form.filename,
        # The form's own registrering id, the same in every message about it.
        external_key=f"samtale:oppfolgingsskjema:{noark.system_ids(record).registrering}",
        classification_system=tenant_settings.SAMTALE_FIKS_CLASSIFICATION,
        personnel_file=personnel_file,
        journalposttype=settings.SAMTALE_FIKS_JOURNALPOSTTYPE,
        journalstatus=settings.SAMTALE_FIKS_JOURNALSTATUS,
        round_name=form.content.get("round") or "",
    )


def _send(
    via: Transport, delivery: Delivery, message_type: str, files: dict[str, bytes], stage: str
) -> Delivery:
    """Validate, seal and send one message of the delivery; record it as in flight first,
    under Samtale's own id (which the archive echoes), so a reply that comes at once finds
    it, then under the id the transport gave it. One whose hand-over was never confirmed
    (Uncertain) stays in flight: the archive's answer to it, or its lifetime, decides."""
    payload_name = messages.PAYLOADS[message_type][0]
    messages.validate(message_type, files[payload_name])
    own_id = str(uuid.uuid4())
    try:
        payload = asic.seal(files, sender=_own(), receiver=_receiver(via))
    except Unavailable as error:
        return _failed(delivery, causes.fiks_error(error))
    message = Message(
        type=message_type,
        sender=tenant_settings.SAMTALE_FIKS_ACCOUNT,
        receiver=tenant_settings.SAMTALE_FIKS_ARCHIVE_ACCOUNT,
        payload=payload,
        id=own_id,
        lifetime=lifetime(),
        headers={CLIENT_MESSAGE_ID: own_id, CORRELATION: own_id},
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        stage=stage, message_id=own_id, correlation_id=own_id, sent_at=timezone.now(), error=""
    )
    confirmed = True
    try:
        sent_as = via.send(message)
    except Uncertain as error:
        log.warning(
            "Fiks Arkiv: %s; delivery %s waits for the archive's answer", error, delivery.pk
        )
        sent_as, confirmed = own_id, False
    except Unavailable as error:
        return _failed(delivery, causes.fiks_error(error))
    if sent_as != own_id:
        Delivery.objects.filter(pk=delivery.pk, correlation_id=own_id).update(message_id=sent_as)
    audit_log(
        actor=None,
        action="archive.fiks_sent",
        obj=delivery.form,
        delivery=delivery.pk,
        type=message_type,
        confirmed=confirmed,
    )
    return Delivery.objects.get(pk=delivery.pk)


def _failed(delivery: Delivery, reason: str) -> Delivery:
    """Failed with the reason; the worker tries again from the start after the back-off."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED,
        error=reason[:2000],
        stage=S.NONE,
        message_id="",
        correlation_id="",
    )
    audit_log(actor=None, action="archive.delivery_failed", obj=delivery.form, delivery=delivery.pk)
    delivery = Delivery.objects.get(pk=delivery.pk)
    # The archive's answer or its silence comes after the attempt that sent the message.
    alerts.delivery_failing_tell(delivery=delivery)
    return delivery


def start(delivery: Delivery, via: Transport) -> Delivery:
    """Begin (or begin again) a delivery: look for the employee's personnel file."""
    record = archive_package.record_of(delivery.form)
    search = messages.sok(
        classification_system=tenant_settings.SAMTALE_FIKS_CLASSIFICATION,
        key=record.classified_by,
    )
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.WAITING)
    return _send(via, delivery, messages.SOK, {"sok.xml": search}, S.SEARCHING)


def _file(delivery: Delivery, via: Transport, personnel_file: str | None) -> Delivery:
    filing = filing_of(delivery, personnel_file)
    files = {
        "arkivmelding.xml": messages.arkivmelding(filing),
        filing.document_name: archive_package.pdf_of(delivery.form),
    }
    return _send(via, delivery, messages.ARKIVMELDING, files, S.FILING)


def in_flight():
    """Deliveries with a message out, waiting for the archive's answer."""
    return Delivery.objects.filter(
        channel=Delivery.Channel.FIKS, status=Delivery.Status.WAITING
    ).exclude(stage=S.NONE)


def timed_out(now=None):
    """Deliveries whose message has had no answer within its lifetime."""
    now = now or timezone.now()
    return in_flight().filter(sent_at__lte=now - lifetime())


def expire(now=None) -> int:
    """Fail the deliveries that waited past their lifetime, to be tried again."""
    count = 0
    for delivery in timed_out(now).select_related("form"):
        _failed(delivery, _("The archive did not answer in time."))
        count += 1
    return count


def receive(via: Transport, *, wait: float = 0, limit: int = 100) -> int:
    """Handle the archive's replies waiting for Samtale's account."""
    return via.receive(
        tenant_settings.SAMTALE_FIKS_ACCOUNT,
        lambda message: handle(message, via),
        wait=wait,
        limit=limit,
    )


def handle(message: Message, via: Transport) -> None:
    """One message for Samtale's account (see the module's notes). Whatever the message
    holds, it is taken or set aside, never left at the head of the queue: this raises only
    for what should make it wait there (a broker or database that fails while it is
    handled), and a message it raised for once is set aside the second time."""
    try:
        _take(message, via)
    except Exception as error:
        if not message.redelivered:
            raise  # given again once: a database or broker that failed for a moment
        log.exception("Fiks Arkiv: handling %s failed again", message.id)
        _set_aside(message, setaside.FAILED, f"handling failed twice: {type(error).__name__}")


def _set_aside(
    message: Message, reason: str, detail: str, delivery: Delivery | None = None
) -> None:
    """Record a message not taken (core.setaside) and audit it; the delivery it names, if
    any, stays where it was."""
    first = setaside.set_aside(
        source="fiks",
        key=message.id or f"no-id:{message.reply_to}",
        reason=reason,
        detail=detail,
        size=len(message.payload),
        type=message.type[:120],
        sender=message.sender[:40],
        reply_to=(message.reply_to or "")[:40],
        delivery=delivery.pk if delivery else None,
    )
    if first:
        audit_log(
            actor=None,
            action="archive.fiks_set_aside",
            obj=delivery.form if delivery else None,
            delivery=delivery.pk if delivery else None,
            reason=reason,
            type=message.type[:120],
        )


def _open(message: Message) -> dict[str, bytes]:
    """The files of an answer from the archive, authenticated: decrypted with Samtale's key,
    the manifest's signature verified against the archive's configured certificate, every
    file against the manifest, and the payload against its message type's schema.
    ``…mottatt`` alone carries nothing: it moves no delivery past its filing."""
    if not message.payload:
        if message.type == messages.MOTTATT:
            return {}
        raise asic.Unsigned("an answer without a signed payload")
    files = asic.unseal(message.payload, receiver=_own(), sender=_archive())
    if message.type in messages.PAYLOADS and message.type != messages.ARKIVMELDING:
        name = messages.PAYLOADS[message.type][0]
        if name not in files:
            raise asic.InvalidContainer(f"{name} is missing")
        messages.validate(message.type, files[name])
    return files


SET_ASIDE_FOR = (
    (asic.Undecryptable, setaside.UNDECRYPTABLE),
    (asic.Unsigned, setaside.UNSIGNED),
    (asic.InvalidContainer, setaside.UNREADABLE),
    (messages.InvalidMessage, setaside.INVALID),
)


def _take(message: Message, via: Transport) -> None:
    if message.sender != tenant_settings.SAMTALE_FIKS_ARCHIVE_ACCOUNT:
        _set_aside(message, setaside.WRONG_SENDER, f"avsender-id {message.sender!r}")
        return
    if DOCUMENT_STORE in message.headers:
        # Fiks IO keeps a payload too large for a message in its Dokumentlager; the archive's
        # answers are a few kB, and Samtale does not fetch from there.
        _set_aside(message, setaside.TOO_LARGE, "the payload is in Fiks Dokumentlager")
        return
    limit = settings.SAMTALE_FIKS_MAX_ANSWER_BYTES
    if len(message.payload) > limit:
        _set_aside(
            message,
            setaside.TOO_LARGE,
            f"{len(message.payload)} bytes, over SAMTALE_FIKS_MAX_ANSWER_BYTES ({limit})",
        )
        return
    # Opened before anything is locked: a forged answer is told from a late one by its
    # signature, whatever it names.
    try:
        files = _open(message)
    except (asic.InvalidContainer, messages.InvalidMessage) as error:
        reason = next(code for kind, code in SET_ASIDE_FOR if isinstance(error, kind))
        _set_aside(message, reason, str(error), _waiting(message).first())
        return
    with transaction.atomic():
        delivery = _waiting(message).select_for_update().first()
        if delivery is None:
            # One sent before a retry, or received twice: nothing waits for it.
            _set_aside(message, setaside.NOT_WAITING, f"svar-til {message.reply_to!r}")
            return
        _answer(delivery, message, files, via)


def _waiting(message: Message):
    """The delivery whose message in flight `message` answers (a query: none or one): named
    by the id it travelled under (svar-til), or by Samtale's own, which the archive echoes."""
    answers = Q(message_id=message.reply_to or "-")
    if message.correlation:
        # Both must name the same message: the one sent under that id, or the one whose
        # hand-over was never confirmed (known only by Samtale's id).
        answers = Q(correlation_id=message.correlation) & (
            answers | Q(message_id=message.correlation)
        )
    return (
        Delivery.objects.filter(answers, channel=Delivery.Channel.FIKS)
        .exclude(status__in=[Delivery.Status.DELIVERED, Delivery.Status.REFUSED])
        .exclude(stage=S.NONE)
        .select_related("form")
    )


def _answer(delivery: Delivery, message: Message, files: dict[str, bytes], via: Transport) -> None:
    kind = message.type
    if kind == messages.SOK_RESULTAT and delivery.stage == S.SEARCHING:
        try:
            found = messages.personnel_file_of(files["resultat.xml"])
        except ValueError as error:
            _refused(delivery, str(error))
            return
        _file(delivery, via, found)
    elif kind == messages.IKKEFUNNET and delivery.stage == S.SEARCHING:
        _file(delivery, via, None)
    elif kind == messages.MOTTATT and delivery.stage == S.FILING:
        Delivery.objects.filter(pk=delivery.pk).update(stage=S.RECEIVED)
        audit_log(
            actor=None, action="archive.fiks_received", obj=delivery.form, delivery=delivery.pk
        )
    elif kind == messages.KVITTERING and delivery.stage in (S.FILING, S.RECEIVED):
        _receipt(delivery, message, files)
    elif kind in messages.ERRORS:
        text = messages.error_text(files.get("feilmelding.xml", b"<x/>")) or kind
        if kind == messages.SERVERFEIL:
            _failed(delivery, _("The archive failed: %(error)s") % {"error": text})
        else:
            _refused(delivery, text)
    else:
        log.info(
            "Fiks Arkiv: %s unexpected at stage %r of delivery %s",
            kind,
            delivery.stage,
            delivery.pk,
        )


def _receipt(delivery: Delivery, message: Message, files: dict[str, bytes]) -> None:
    """The archive's receipt: the form is in the personnel file, delivered, unless the
    receipt is about another form (set aside) or cannot be read (refused)."""
    try:
        receipt = messages.receipt_of(files["arkivmelding-kvittering.xml"])
    except ValueError as error:
        _refused(delivery, str(error))
        return
    expected = filing_of(delivery, None).external_key
    if receipt.external_key and receipt.external_key != expected:
        # Signed by the archive, but about another form: one of its receipts sent again
        # under this message's id.
        _set_aside(
            message,
            setaside.INVALID,
            f"the receipt is for {receipt.external_key!r}, not {expected!r}",
            delivery,
        )
        return
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.DELIVERED,
        delivered_at=timezone.now(),
        error="",
        archive_record_id=receipt.registrering_system_id,
        archive_file_id=receipt.mappe_system_id,
        target=receipt.journalpost,
    )
    audit_log(
        actor=None,
        action="archive.delivered",
        obj=delivery.form,
        delivery=delivery.pk,
        to="fiks",
        journalpost=receipt.journalpost,
        existing=not receipt.created,
    )


def _refused(delivery: Delivery, text: str) -> None:
    """The archive refused the message: shown to the archive staff in its own words, and
    not sent again until they have it tried again."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.REFUSED,
        error=(_("The archive refused the form: %(error)s") % {"error": text})[:2000],
        stage=S.NONE,
        message_id="",
        correlation_id="",
    )
    audit_log(actor=None, action="archive.refused", obj=delivery.form, delivery=delivery.pk)


# The longest one exchange waits for the archive's answers.
EXCHANGE_SECONDS = 20


def exchange(*, due, attempt, seconds: float | None = None) -> None:
    """One round of the worker's: fail what waited past its lifetime, send what is due
    (`due()` and `attempt(delivery=…, via=…)`: archive.services'), then take the archive's
    answers while messages are in flight, for at most `seconds`, so that an archive that
    answers at once has each next message in the same round. A broker that is away leaves
    everything waiting for the next round."""
    via = transport()
    try:
        expire()
        for delivery in due().filter(channel=Delivery.Channel.FIKS):
            attempt(delivery=delivery, via=via)
        deadline = time.monotonic() + (EXCHANGE_SECONDS if seconds is None else seconds)
        while time.monotonic() < deadline:
            waiting = in_flight().exists()
            handled = receive(via, wait=3 if waiting else 0)
            if not waiting and not handled:
                break
    except Unavailable as error:
        log.warning("Fiks Arkiv: %s; the deliveries wait", error)
    finally:
        via.close()
