"""The WCAG success criteria at levels A and AA, as plain data: the 50 of WCAG 2.1 (the 38
of WCAG 2.0 and the 12 that 2.1 added; 4.1.1 Parsing among them) and the 6 that WCAG 2.2
added at those levels, each with its level, the version that added it, its name in English,
bokmål and nynorsk, and whether the Norwegian regulation requires it of the public sector.

Sources (an address too long for one line goes on over the next, split after a slash):
- English names: the W3C recommendations, https://www.w3.org/TR/WCAG21/ and
  https://www.w3.org/TR/WCAG22/ (4.1.1 Parsing is obsolete and removed in 2.2).
- Bokmål names: the authorised Norwegian translation of WCAG 2.1 (Digitaliseringsdirektoratet,
  18 June 2021), https://www.w3.org/Translations/WCAG21-no/, as Uutilsynet names the
  criteria on its page for each, under https://www.uutilsynet.no/wcag-standarden/ (e.g.
  https://www.uutilsynet.no/wcag-standarden/132-meningsfylt-rekkefolge-niva/91,
  https://www.uutilsynet.no/wcag-standarden/413-statusbeskjeder-niva-aa/152).
- Nynorsk names: Uutilsynet keeps the translation's bokmål names on its nynorsk pages too,
  https://www.uutilsynet.no/tilgjengelighetserklaering/sporsmal-i-tilgjengelegheitserklaeringa/1005
  and writes a few in nynorsk in running text ("Namn, rolle, verdi", "Informasjon og
  relasjonar", "Ledetekstar eller instruksjonar", "Synleg fokus"),
  https://www.uutilsynet.no/statistikk-og-rapporter/digitale-barrierar-avdekka-i-tilsyn/1166.
  Those are used as written; the rest are nynorsk renderings of the bokmål names, word for
  word where nynorsk allows.
- WCAG 2.2 has no authorised Norwegian translation: its six names in bokmål and nynorsk are
  our renderings of the English.
- What Norway requires: forskrift om universell utforming av informasjons- og
  kommunikasjonsteknologiske (IKT)-løsninger (for the public sector: WCAG 2.1 at A and AA,
  through EN 301 549, less the exceptions in the note below),
  https://lovdata.no/dokument/SF/forskrift/2013-06-21-732, as Uutilsynet reads it.

This module says what the criteria are, not how Samtale meets them: the product's own
assessment of each criterion (its state and evidence, for the accessibility statement and
the conformance report) lives in samtale.accessibility.conformance (samtale/accessibility/conformance.py)."""

# Norway requires 48 (`norway`): WCAG 2.1's 50 at A and AA except 1.2.3 (audio description or
# media alternative) and 1.2.4 (live captions). 1.2.5 (audio description, prerecorded) was
# exempt when the WCAG 2.1 requirements came into force on 1 February 2023 (47 then), and is
# required of video published from 1 February 2024: "I offentleg sektor skal videoopptak som
# vert publisert frå 1. februar 2024 vere synstolka, jf. forskrifta § 4b tredje ledd" (primary
# and secondary schools excepted, bar video tied to important administrative functions), in
# Uutilsynet's notice of 1 February 2023, https://www.uutilsynet.no/regelverk/
# krav-om-synstolking-av-forehandinnspelt-video-i-offentleg-sektor-kjem-i-2024/1591.
# Others count the same: "48 krav", https://www.coretrek.no/nettlosninger/slik-lager-vi-nettsider/
# universell-utforming/universell-utforming-off-sektor/; "47 krav (+ ett krav om synstolking
# fra 2024)", https://seria.no/wcag/. (Statements on uustatus.no may still say "av 47 krav".)
# WCAG 2.2's new criteria are not required (yet): norway=False.

from dataclasses import dataclass, field

from django.utils.translation import get_language


@dataclass(frozen=True)
class Criterion:
    number: str  # "1.4.10"
    level: str  # "A" or "AA"
    since: str  # "2.0", "2.1" or "2.2": the WCAG version that added it
    names: dict[str, str] = field(hash=False)  # {"en": ..., "nb": ..., "nn": ...}
    norway: bool  # required of the public sector by the Norwegian regulation today
    obsolete_in_22: bool = False  # 4.1.1 Parsing only

    @property
    def name(self) -> str:
        """The name in the active language: nynorsk, bokmål, else English."""
        language = (get_language() or "").lower().split("-")[0]
        return self.names[language if language in ("nb", "nn") else "en"]


def _c(
    number: str,
    level: str,
    since: str,
    en: str,
    nb: str,
    nn: str,
    *,
    norway: bool = True,
    obsolete_in_22: bool = False,
) -> Criterion:
    return Criterion(number, level, since, {"en": en, "nb": nb, "nn": nn}, norway, obsolete_in_22)


CRITERIA: tuple[Criterion, ...] = (
    # 1 Perceivable / Mulig å oppfatte / Mogleg å oppfatte
    _c("1.1.1", "A", "2.0", "Non-text Content",
       "Ikke-tekstlig innhold", "Ikkje-tekstleg innhald"),
    _c("1.2.1", "A", "2.0", "Audio-only and Video-only (Prerecorded)",
       "Bare lyd og bare video (forhåndsinnspilt)",
       "Berre lyd og berre video (førehandsinnspelt)"),
    _c("1.2.2", "A", "2.0", "Captions (Prerecorded)",
       "Teksting (forhåndsinnspilt)", "Teksting (førehandsinnspelt)"),
    _c("1.2.3", "A", "2.0", "Audio Description or Media Alternative (Prerecorded)",
       "Synstolking eller mediealternativ (forhåndsinnspilt)",
       "Synstolking eller mediealternativ (førehandsinnspelt)", norway=False),
    _c("1.2.4", "AA", "2.0", "Captions (Live)",
       "Teksting (direkte)", "Teksting (direkte)", norway=False),
    _c("1.2.5", "AA", "2.0", "Audio Description (Prerecorded)",
       "Synstolking (forhåndsinnspilt)", "Synstolking (førehandsinnspelt)"),
    _c("1.3.1", "A", "2.0", "Info and Relationships",
       "Informasjon og relasjoner", "Informasjon og relasjonar"),
    _c("1.3.2", "A", "2.0", "Meaningful Sequence",
       "Meningsfylt rekkefølge", "Meiningsfylt rekkjefølgje"),
    _c("1.3.3", "A", "2.0", "Sensory Characteristics",
       "Sensoriske egenskaper", "Sensoriske eigenskapar"),
    _c("1.3.4", "AA", "2.1", "Orientation",
       "Visningsretning", "Visningsretning"),
    _c("1.3.5", "AA", "2.1", "Identify Input Purpose",
       "Identifiser formål med inndata", "Identifiser formål med inndata"),
    _c("1.4.1", "A", "2.0", "Use of Color",
       "Bruk av farge", "Bruk av farge"),
    _c("1.4.2", "A", "2.0", "Audio Control",
       "Styring av lyd", "Styring av lyd"),
    _c("1.4.3", "AA", "2.0", "Contrast (Minimum)",
       "Kontrast (minimum)", "Kontrast (minimum)"),
    _c("1.4.4", "AA", "2.0", "Resize Text",
       "Endring av tekststørrelse", "Endring av tekststorleik"),
    _c("1.4.5", "AA", "2.0", "Images of Text",
       "Bilder av tekst", "Bilete av tekst"),
    _c("1.4.10", "AA", "2.1", "Reflow",
       "Dynamisk tilpasning (Reflow)", "Dynamisk tilpassing (Reflow)"),
    _c("1.4.11", "AA", "2.1", "Non-text Contrast",
       "Kontrast for ikke-tekstlig innhold", "Kontrast for ikkje-tekstleg innhald"),
    _c("1.4.12", "AA", "2.1", "Text Spacing",
       "Tekstavstand", "Tekstavstand"),
    _c("1.4.13", "AA", "2.1", "Content on Hover or Focus",
       "Pekerfølsomt innhold eller innhold ved tastaturfokus",
       "Peikarfølsamt innhald eller innhald ved tastaturfokus"),
    # 2 Operable / Mulig å betjene / Mogleg å betene
    _c("2.1.1", "A", "2.0", "Keyboard",
       "Tastatur", "Tastatur"),
    _c("2.1.2", "A", "2.0", "No Keyboard Trap",
       "Ingen tastaturfelle", "Inga tastaturfelle"),
    _c("2.1.4", "A", "2.1", "Character Key Shortcuts",
       "Hurtigtaster som består av ett tegn", "Hurtigtastar som består av eitt teikn"),
    _c("2.2.1", "A", "2.0", "Timing Adjustable",
       "Justerbar hastighet", "Justerbar hastigheit"),
    _c("2.2.2", "A", "2.0", "Pause, Stop, Hide",
       "Pause, stopp, skjul", "Pause, stopp, skjul"),
    _c("2.3.1", "A", "2.0", "Three Flashes or Below Threshold",
       "Terskelverdi på maksimalt tre glimt", "Terskelverdi på maksimalt tre glimt"),
    _c("2.4.1", "A", "2.0", "Bypass Blocks",
       "Hoppe over blokker", "Hoppe over blokker"),
    _c("2.4.2", "A", "2.0", "Page Titled",
       "Sidetitler", "Sidetitlar"),
    _c("2.4.3", "A", "2.0", "Focus Order",
       "Fokusrekkefølge", "Fokusrekkjefølgje"),
    _c("2.4.4", "A", "2.0", "Link Purpose (In Context)",
       "Formål med lenke (i kontekst)", "Formål med lenke (i kontekst)"),
    _c("2.4.5", "AA", "2.0", "Multiple Ways",
       "Flere måter", "Fleire måtar"),
    _c("2.4.6", "AA", "2.0", "Headings and Labels",
       "Overskrifter og ledetekster", "Overskrifter og ledetekstar"),
    _c("2.4.7", "AA", "2.0", "Focus Visible",
       "Synlig fokus", "Synleg fokus"),
    _c("2.4.11", "AA", "2.2", "Focus Not Obscured (Minimum)",
       "Fokus ikke skjult (minimum)", "Fokus ikkje skjult (minimum)", norway=False),
    _c("2.5.1", "A", "2.1", "Pointer Gestures",
       "Pekerbevegelser", "Peikarrørsler"),
    _c("2.5.2", "A", "2.1", "Pointer Cancellation",
       "Pekeravbrytelse", "Peikaravbryting"),
    _c("2.5.3", "A", "2.1", "Label in Name",
       "Ledetekst i navn", "Ledetekst i namn"),
    _c("2.5.4", "A", "2.1", "Motion Actuation",
       "Bevegelsesaktivering", "Rørsleaktivering"),
    _c("2.5.7", "AA", "2.2", "Dragging Movements",
       "Drabevegelser", "Drarørsler", norway=False),
    _c("2.5.8", "AA", "2.2", "Target Size (Minimum)",
       "Målstørrelse (minimum)", "Målstorleik (minimum)", norway=False),
    # 3 Understandable / Forståelig / Forståeleg
    _c("3.1.1", "A", "2.0", "Language of Page",
       "Språk på siden", "Språk på sida"),
    _c("3.1.2", "AA", "2.0", "Language of Parts",
       "Språk på deler av innhold", "Språk på delar av innhald"),
    _c("3.2.1", "A", "2.0", "On Focus",
       "Fokus", "Fokus"),
    _c("3.2.2", "A", "2.0", "On Input",
       "Inndata", "Inndata"),
    _c("3.2.3", "AA", "2.0", "Consistent Navigation",
       "Konsekvent navigering", "Konsekvent navigering"),
    _c("3.2.4", "AA", "2.0", "Consistent Identification",
       "Konsekvent identifikasjon", "Konsekvent identifikasjon"),
    _c("3.2.6", "A", "2.2", "Consistent Help",
       "Konsekvent hjelp", "Konsekvent hjelp", norway=False),
    _c("3.3.1", "A", "2.0", "Error Identification",
       "Identifikasjon av feil", "Identifikasjon av feil"),
    _c("3.3.2", "A", "2.0", "Labels or Instructions",
       "Ledetekster eller instruksjoner", "Ledetekstar eller instruksjonar"),
    _c("3.3.3", "AA", "2.0", "Error Suggestion",
       "Forslag ved feil", "Forslag ved feil"),
    _c("3.3.4", "AA", "2.0", "Error Prevention (Legal, Financial, Data)",
       "Forhindring av feil (juridiske feil, økonomiske feil, datafeil)",
       "Hindring av feil (juridiske feil, økonomiske feil, datafeil)"),
    _c("3.3.7", "A", "2.2", "Redundant Entry",
       "Overflødig inndata", "Overflødig inndata", norway=False),
    _c("3.3.8", "AA", "2.2", "Accessible Authentication (Minimum)",
       "Tilgjengelig autentisering (minimum)", "Tilgjengeleg autentisering (minimum)",
       norway=False),
    # 4 Robust / Robust / Robust
    _c("4.1.1", "A", "2.0", "Parsing",
       "Parsing (oppdeling)", "Parsing (oppdeling)", obsolete_in_22=True),
    _c("4.1.2", "A", "2.0", "Name, Role, Value",
       "Navn, rolle, verdi", "Namn, rolle, verdi"),
    _c("4.1.3", "AA", "2.1", "Status Messages",
       "Statusbeskjeder", "Statusmeldingar"),
)  # fmt: skip

_BY_NUMBER: dict[str, Criterion] = {c.number: c for c in CRITERIA}


def by_number(number: str) -> Criterion:
    """The criterion numbered `number` ("1.4.10"); KeyError for one not listed here."""
    return _BY_NUMBER[number]
