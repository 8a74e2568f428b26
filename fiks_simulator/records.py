"""What the simulated archive holds: mapper (personnel files), registreringer (journal
entries), its number series, kept in a JSON file written atomically, or in memory.

Its rules are a Noark 5 archive's as Fiks Arkiv V1 exposes them: a journalpost gets the next
journalsekvensnummer of the year (journalaar); a registrering whose referanseEksternNoekkel
the archive already holds is not filed again, and its receipt gives the first filing's ids
with opprettetEllerEksisterende "Eksisterende" (the kvittering schema's enumeration); a mappe
that carries a klassifikasjon the archive has a mappe for is that mappe (one personnel file
per person), else keyed by its own referanseEksternNoekkel.
"""

import datetime
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .noark import Mappe, Refused, Registrering, Sok


@dataclass(frozen=True)
class Filed:
    """A registrering the archive filed: its external key (the fagsystem's noekkel), its
    journal number "journalaar/journalsekvensnummer" (None unless a journalpost), and the
    personnel file (its mappe's systemID) with that mappe's (klassifikasjonssystemID,
    klasseID)."""

    external_key: str | None
    journalpost: str | None
    personnel_file: str | None
    classification: tuple[str, str] | None
    title: str


def _same_key(stored: dict[str, Any], key: tuple[str, str] | None) -> bool:
    return key is not None and tuple(stored.get("key") or ()) == key


class Records:
    def __init__(self, store: Path | None):
        self.store = store
        self.data: dict[str, Any] = {"mapper": [], "registreringer": [], "numbers": {}}
        if store is not None and store.exists():
            self.data.update(json.loads(store.read_text()))

    def save(self) -> None:
        if self.store is None:
            return
        temporary = self.store.with_name(self.store.name + ".tmp")
        temporary.write_text(json.dumps(self.data, indent=1, ensure_ascii=False))
        os.replace(temporary, self.store)  # atomic: a crash leaves the old file or the new

    def next(self, series: str) -> int:
        numbers = self.data["numbers"]
        numbers[series] = numbers.get(series, 0) + 1
        return int(numbers[series])

    def search(self, sok: Sok) -> list[dict[str, Any]]:
        return [mappe for mappe in self.data["mapper"] if sok.matches(mappe)]

    def mappe(self, mappe: Mappe) -> dict[str, Any]:
        """The stored mappe (with "existing": True) or a new one."""
        wanted = mappe.klassifikasjon[0][:2] if mappe.klassifikasjon else None
        for stored in self.data["mapper"]:
            classes = [tuple(entry[:2]) for entry in stored["klassifikasjon"]]
            if (wanted in classes) if wanted else _same_key(stored, mappe.key):
                return {**stored, "existing": True}
        year = datetime.date.today().year
        number = self.next(f"mappe:{year}")
        stored = {
            "systemID": str(uuid.uuid4()),
            "mappeID": f"{year}/{number}",
            "tittel": mappe.tittel,
            "saksmappe": mappe.saksmappe,
            "klassifikasjon": [list(entry) for entry in mappe.klassifikasjon],
            "key": list(mappe.key) if mappe.key else None,
        }
        if mappe.saksmappe:
            stored.update(saksaar=year, sakssekvensnummer=number, saksdato=_today())
        self.data["mapper"].append(stored)
        return stored

    def parent(self, registrering: Registrering | None) -> str | None:
        """The systemID of the mappe a lone registrering's referanseForelderMappe names."""
        if registrering is None or not (registrering.parent_system_id or registrering.parent_key):
            return None
        for stored in self.data["mapper"]:
            if stored["systemID"] == registrering.parent_system_id or _same_key(
                stored, registrering.parent_key
            ):
                return str(stored["systemID"])
        raise Refused("referanseForelderMappe names no mappe in this archive")

    def registrering(self, registrering: Registrering, parent: str | None) -> dict[str, Any]:
        """The stored registrering (with "existing": True) or a new one in mappe `parent`."""
        for stored in self.data["registreringer"]:
            if _same_key(stored, registrering.key):
                return {**stored, "existing": True}
        stored = {
            "systemID": str(uuid.uuid4()),
            "tittel": registrering.tittel,
            "journalpost": registrering.journalpost,
            "key": list(registrering.key) if registrering.key else None,
            "mappe": parent,
            "files": registrering.files,
        }
        if registrering.journalpost:
            year = datetime.date.today().year
            stored.update(journalaar=year, journalsekvensnummer=self.next(f"journal:{year}"))
        self.data["registreringer"].append(stored)
        return stored

    def filed(self) -> list[Filed]:
        mapper = {mappe["systemID"]: mappe for mappe in self.data["mapper"]}
        result = []
        for stored in self.data["registreringer"]:
            mappe = mapper.get(stored.get("mappe") or "")
            classes = mappe["klassifikasjon"] if mappe else []
            number = (
                f"{stored['journalaar']}/{stored['journalsekvensnummer']}"
                if stored.get("journalpost")
                else None
            )
            result.append(
                Filed(
                    stored["key"][1] if stored.get("key") else None,
                    number,
                    stored.get("mappe"),
                    (classes[0][0], classes[0][1]) if classes else None,
                    stored["tittel"],
                )
            )
        return result


def _today() -> str:
    return datetime.date.today().isoformat()
