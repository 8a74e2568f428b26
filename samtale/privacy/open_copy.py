"""A municipality's open copy of what it holds in Samtale, for when it leaves (`tenants export`,
docs/running/tenants.md): read without Samtale, in a spreadsheet, a text editor or a PDF
reader. One ZIP:

- `LESMEG.txt`: what each file holds and what is not in the copy (and why);
- `enheter.csv`, `personer.csv`: the units and the people, with their leaders;
- `samtaler.csv`: every conversation, its parties, kind, status and dates;
- `sammendrag.json`: each conversation's summary as it stands (the signed one where signed),
  its agreed goals and conclusion, and who signed when;
- `mal.csv`, `tiltak.csv`: the goals and the actions agreed, with deadline, responsible and
  status;
- `skjema/`: every signed form as the PDF/A filed to the archive.

The CSV files are UTF-8 with a byte order mark and ";" between fields (what Excel opens in
Norwegian), written by core.spreadsheet so no cell is a formula. The national identity number
is left out: the municipality's HR system holds it, and the database snapshot beside the copy
holds everything. So are the preparation notes and answers, which are each person's own
(their own copy, privacy.export, gives them)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.archive.models import SignedForm
from samtale.archive.pdf import render_pdf
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.core.spreadsheet import csv_bytes
from samtale.org.models import Person, Unit

README = """\
Åpen kopi av det {organization} har i Samtale, laget {made}.

Filene leses uten Samtale:

  enheter.csv      enhetene: kode, navn, nivå, overordnet enhet, om den er i bruk
  personer.csv     de ansatte: id, ansattnummer, navn, e-post, stilling, enhet, leder (id),
                   start- og sluttdato, om de er aktive
  samtaler.csv     samtalene: id, ansatt og leder (id), type, status, tidspunkt, holdt,
                   signert
  sammendrag.json  sammendraget for hver samtale (det signerte der samtalen er signert),
                   med konklusjon, avtalte mål og når hver part signerte
  mal.csv          målene som ble avtalt, per samtale, og om de ble nådd
  tiltak.csv       tiltakene under hvert mål: frist, ansvarlig, status, kostnad
  skjema/          hvert signerte skjema som PDF/A, slik det ble arkivert

CSV-filene er UTF-8 med semikolon mellom feltene. Id-ene knytter filene sammen.

Ikke med i denne kopien: fødselsnummer (det har kommunens HR-system), og hver persons
egne forberedelsesnotater og svar (dem får personen selv i sin egen kopi). Databasekopien
ved siden av denne filen har alt.

{counts}
"""


def write(path: Path, *, organization: str) -> dict[str, int]:
    """The open copy of the current tenant into `path` (a new ZIP). Returns how many of each
    it holds."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path, "x", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in (
            ("enheter.csv", _units()),
            ("personer.csv", _people()),
            ("samtaler.csv", _conversations()),
            ("mal.csv", _goals()),
            ("tiltak.csv", _actions()),
        ):
            archive.writestr(name, csv_bytes(rows))
            counts[name] = len(rows) - 1
        summaries = _summaries()
        archive.writestr(
            "sammendrag.json",
            json.dumps(summaries, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        counts["sammendrag.json"] = len(summaries)
        counts["skjema/"] = _forms(archive)
        archive.writestr(
            "LESMEG.txt",
            README.format(
                organization=organization,
                made=timezone.localtime().strftime("%d.%m.%Y %H:%M"),
                counts="\n".join(f"{name:<16} {count}" for name, count in counts.items()),
            ),
        )
    return counts


def _units() -> list[list[Any]]:
    rows: list[list[Any]] = [["kode", "navn", "niva", "overordnet", "i_bruk"]]
    for unit in Unit.objects.select_related("parent").order_by("code"):
        rows.append(
            [
                unit.code,
                unit.name,
                unit.kind,
                unit.parent.code if unit.parent else "",
                _yes(unit.is_active),
            ]
        )
    return rows


def _people() -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            "id",
            "ansattnummer",
            "fornavn",
            "etternavn",
            "epost",
            "stilling",
            "enhet",
            "leder_id",
            "startdato",
            "sluttdato",
            "aktiv",
        ]
    ]
    for person in Person.objects.select_related("unit").order_by("pk").iterator(2000):
        rows.append(
            [
                person.pk,
                person.employee_number or "",
                person.first_name,
                person.last_name,
                person.email,
                person.job_title,
                person.unit.code if person.unit else "",
                person.manager_id or "",
                person.start_date,
                person.end_date,
                _yes(person.is_active),
            ]
        )
    return rows


def _conversations() -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["id", "ansatt_id", "leder_id", "type", "status", "tidspunkt", "holdt", "signert"]
    ]
    for c in Conversation.objects.order_by("pk").iterator(2000):
        rows.append(
            [
                c.pk,
                c.employee_id,
                c.leader_id,
                c.kind,
                c.status,
                _local(c.scheduled_at),
                _local(c.held_at),
                _local(c.signed_at),
            ]
        )
    return rows


def _goals() -> list[list[Any]]:
    rows: list[list[Any]] = [["id", "samtale_id", "mal", "resultat", "laert"]]
    for goal in Goal.objects.order_by("conversation_id", "order", "pk").iterator(2000):
        rows.append([goal.pk, goal.conversation_id, goal.text, goal.result, goal.learned])
    return rows


def _actions() -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["id", "mal_id", "tiltak", "frist", "ansvarlig", "status", "kompetanse", "kostnad_kr"]
    ]
    for action in Action.objects.order_by("goal_id", "order", "pk").iterator(2000):
        rows.append(
            [
                action.pk,
                action.goal_id,
                action.text,
                action.deadline,
                action.responsible,
                action.status,
                action.competence,
                action.cost,
            ]
        )
    return rows


def _summaries() -> list[dict[str, Any]]:
    """Each conversation's summary as it stands: its last revision not withdrawn."""
    latest: dict[int, SummaryRevision] = {}
    revisions = SummaryRevision.objects.filter(withdrawn_at__isnull=True).order_by("number")
    for revision in revisions.iterator(2000):
        latest[revision.conversation_id] = revision
    return [
        {
            "samtale_id": conversation_id,
            "versjon": revision.number,
            "tekst": revision.text,
            "konklusjon": revision.conclusion,
            "avtalte_mal": revision.agreed_goals,
            "ansatt_signerte": _local(revision.employee_signed_at),
            "leder_signerte": _local(revision.leader_signed_at),
        }
        for conversation_id, revision in sorted(latest.items())
    ]


def _forms(archive: zipfile.ZipFile) -> int:
    """Every signed form's PDF/A into `skjema/`: as filed, or, for one not rendered yet (its
    rendering waits for the worker, or failed), made now from its frozen content as the
    archive would get it. One that cannot be made is named in `skjema/mangler.txt` (its
    content is in sammendrag.json)."""
    missing = []
    written = 0
    forms = SignedForm.objects.order_by("pk").only(
        "pk", "conversation_id", "pdf", "content", "fingerprint"
    )
    for form in forms.iterator(200):
        pdf = form.pdf
        if pdf is None:
            try:
                pdf = render_pdf(form.content, form.fingerprint)
            except Exception:  # noqa: BLE001 - named in the copy, the rest goes on
                missing.append(f"samtale {form.conversation_id}, skjema {form.pk}")
                continue
        archive.writestr(f"skjema/samtale-{form.conversation_id}-skjema-{form.pk}.pdf", pdf)
        written += 1
    if missing:
        archive.writestr(
            "skjema/mangler.txt",
            "Disse skjemaene kunne ikke lages som PDF:\n" + "\n".join(missing) + "\n",
        )
    return written


def _yes(value: bool) -> str:
    return "ja" if value else "nei"


def _local(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""
