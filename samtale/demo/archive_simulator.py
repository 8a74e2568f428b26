"""A municipality's archive system on this machine, as Fiks Arkiv sees it
(`manage.py archive_simulator`; the tests run it in-process).

It takes the messages for its account from the broker, opens them with its own private key,
validates each against the Fiks Arkiv V1 schema of its type, keeps personnel files by their
classification in a small store of its own (a JSON file, or memory), and answers:

- ``innsyn.sok``: the personnel file with that classification, or none;
- ``arkivmelding.opprett``: ``…mottatt`` at once, then ``…kvittering`` with its own ids — a
  personnel file created when the message asks for one, a journalpost with the next number
  of the year. A record whose external key it already holds is answered as existing, with
  the ids it was given the first time: a message sent twice is filed once;
- anything it cannot open or the schema refuses: ``ugyldigforespoersel`` with the reason;
- on demand, ``serverfeil`` (`fail_next`) or silence (`silent_next`), for the fault tests.
"""

import hashlib
import json
import logging
import threading
import uuid
from pathlib import Path
from typing import Any

from django.utils import timezone
from lxml import etree

from samtale.archive.fiks import asic
from samtale.archive.fiks import messages as m
from samtale.archive.fiks.transport import CORRELATION, Message, Transport

log = logging.getLogger(__name__)


class ArchiveSimulator:
    def __init__(
        self,
        *,
        via: Transport,
        account: str,
        identity: asic.Identity,
        correspondents: dict[str, asic.Identity],
        store: Path | None = None,
    ) -> None:
        self.via = via
        self.account = account
        self.identity = identity
        # Each sender's account id → its certificate, to seal the answers for it.
        self.correspondents = correspondents
        self.store = store
        self.fail_next = 0
        self.silent_next = 0
        self.handled: list[str] = []
        self._lock = threading.Lock()
        self.data: dict[str, Any] = {"files": {}, "journal": {}}
        if store is not None and store.exists():
            self.data = json.loads(store.read_text())

    # The store -------------------------------------------------------------------------

    def _save(self) -> None:
        if self.store is not None:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.store.with_suffix(".tmp")
            temporary.write_text(json.dumps(self.data, indent=1, ensure_ascii=False))
            temporary.replace(self.store)

    @property
    def files(self) -> dict:
        """Personnel files by "<classification system>/<class id>"."""
        return self.data["files"]

    def records(self) -> list[dict]:
        return [record for file in self.files.values() for record in file["records"].values()]

    def _next_number(self) -> tuple[int, int]:
        year = timezone.localdate().year
        number = self.data["journal"].get(str(year), 0) + 1
        self.data["journal"][str(year)] = number
        return year, number

    # Serving ---------------------------------------------------------------------------

    def serve(self, *, wait: float = 0, limit: int = 100) -> int:
        """Answer what waits for the archive's account."""
        return self.via.receive(self.account, self.handle, wait=wait, limit=limit)

    def _reply(self, question: Message, message_type: str, files: dict[str, bytes] | None) -> None:
        receiver = self.correspondents[question.sender]
        payload = asic.seal(files, sender=self.identity, receiver=receiver) if files else b""
        # As KS's clients answer (SvarSender): the question's correlation id echoed.
        echoed = {CORRELATION: question.correlation} if question.correlation else {}
        self.via.send(
            Message(
                type=message_type,
                sender=self.account,
                receiver=question.sender,
                payload=payload,
                reply_to=question.id,
                headers=echoed,
            )
        )

    def _refuse(self, question: Message, reason: str) -> None:
        self._reply(question, m.UGYLDIG, {"feilmelding.xml": m.feilmelding(m.UGYLDIG, reason)})

    def handle(self, message: Message) -> None:
        with self._lock:
            self.handled.append(message.type)
            if message.sender not in self.correspondents:
                log.warning(
                    "archive simulator: a message from an unknown account %s", message.sender
                )
                return
            if message.type not in (m.SOK, m.ARKIVMELDING):
                self._refuse(message, f"Meldingstypen {message.type} støttes ikke.")
                return
            name = m.PAYLOADS[message.type][0]
            try:
                files = asic.unseal(
                    message.payload,
                    receiver=self.identity,
                    sender=self.correspondents[message.sender],
                )
                if name not in files:
                    raise asic.InvalidContainer(f"{name} mangler i meldingen.")
                m.validate(message.type, files[name])
            except (asic.InvalidContainer, m.InvalidMessage) as error:
                self._refuse(message, str(error))
                return
            if self.silent_next:
                self.silent_next -= 1
                return
            if self.fail_next:
                self.fail_next -= 1
                self._reply(
                    message,
                    m.SERVERFEIL,
                    {
                        "feilmelding.xml": m.feilmelding(
                            m.SERVERFEIL, "Arkivet er midlertidig nede."
                        )
                    },
                )
                return
            if message.type == m.SOK:
                self._search(message, files[name])
            else:
                self._file(message, files, files[name])

    def _search(self, message: Message, payload: bytes) -> None:
        root = etree.fromstring(payload)
        system = root.findtext(".//sok:klassifikasjonssystemID", namespaces=m.NS)
        key = root.findtext(".//sok:klasseID", namespaces=m.NS)
        file = self.files.get(f"{system}/{key}")
        answer = m.sokeresultat(
            mappe_system_id=file["systemID"] if file else None,
            mappe_id=file["mappeID"] if file else "",
        )
        self._reply(message, m.SOK_RESULTAT, {"resultat.xml": answer})

    def _file(self, message: Message, files: dict[str, bytes], payload: bytes) -> None:
        self._reply(message, m.MOTTATT, None)
        root = etree.fromstring(payload)
        ns = m.NS
        record = root.find("opprett:registrering", ns)
        file = None
        mappe = root.find("opprett:mappe", ns)
        if mappe is not None:
            system = mappe.findtext(
                "opprett:klassifikasjon/opprett:klassifikasjonssystemID", namespaces=ns
            )
            key = mappe.findtext("opprett:klassifikasjon/opprett:klasseID", namespaces=ns)
            file = self.files.setdefault(
                f"{system}/{key}",
                {
                    "systemID": str(uuid.uuid4()),
                    "mappeID": f"{timezone.localdate().year}/{len(self.files) + 1}",
                    "tittel": mappe.findtext("opprett:tittel", namespaces=ns),
                    "records": {},
                },
            )
        parent = record.findtext("opprett:referanseForelderMappe/md:systemID", namespaces=ns)
        if parent:
            file = next((f for f in self.files.values() if f["systemID"] == parent), None)
        if file is None:
            self._refuse(message, "Mappen registreringen skal arkiveres i, finnes ikke.")
            return
        objekt = record.find("opprett:dokumentbeskrivelse/opprett:dokumentobjekt", ns)
        document = files.get(objekt.findtext("opprett:referanseDokumentfil", namespaces=ns))
        checksum = objekt.findtext("opprett:sjekksum", namespaces=ns)
        if document is None or hashlib.sha256(document).hexdigest() != checksum:
            self._refuse(message, "Dokumentfilen mangler eller har feil sjekksum.")
            return
        external = record.findtext("opprett:referanseEksternNoekkel/md:noekkel", namespaces=ns)
        existing = file["records"].get(external)
        if existing is None:
            year, number = self._next_number()
            existing = file["records"][external] = {
                "systemID": str(uuid.uuid4()),
                "journalaar": year,
                "journalsekvensnummer": number,
                "tittel": record.findtext("opprett:tittel", namespaces=ns),
                "offentligTittel": record.findtext("opprett:offentligTittel", namespaces=ns),
                "sjekksum": checksum,
                "mottatt": timezone.now().isoformat(),
            }
            created = True
        else:
            created = False
        self._save()
        answer = m.kvittering(
            registrering_system_id=existing["systemID"],
            journalaar=existing["journalaar"],
            journalsekvensnummer=existing["journalsekvensnummer"],
            mappe_system_id=file["systemID"],
            external_key=external,
            created=created,
        )
        self._reply(message, m.KVITTERING, {"arkivmelding-kvittering.xml": answer})
