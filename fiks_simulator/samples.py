"""Sample Fiks Arkiv V1 messages as a fagsystem sends them (valid by the V1 schemas), for
demos and tests: an arkivmelding filing a journalpost with one document in a personnel file
(a mappe classified by the person), and a search for that file by its classification
(mappeSokdefinisjon, felt mappeKlassifikasjon, responstype minimum)."""

FIKS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv"
PERSONAL = "PERSONALMAPPE"


def arkivmelding(noekkel: str, klasse: str, *, document: str = "referat.pdf") -> bytes:
    """A journalpost with external key `noekkel` in the personnel file of class `klasse`."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<arkivmelding xmlns="{FIKS}/arkivmelding/opprett/v1" xmlns:md="{FIKS}/metadatakatalog/v1"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <system>Samtale</system>
  <antallFiler>1</antallFiler>
  <mappe>
    <tittel>Personalmappe</tittel>
    <klassifikasjon>
      <klassifikasjonssystemID>{PERSONAL}</klassifikasjonssystemID>
      <klasseID>{klasse}</klasseID>
    </klassifikasjon>
    <referanseEksternNoekkel>
      <md:fagsystem>Samtale</md:fagsystem><md:noekkel>person-{klasse}</md:noekkel>
    </referanseEksternNoekkel>
  </mappe>
  <registrering xsi:type="journalpost">
    <dokumentbeskrivelse>
      <tittel>Referat</tittel>
      <tilknyttetRegistreringSom><md:kode>H</md:kode></tilknyttetRegistreringSom>
      <dokumentobjekt>
        <filnavn>{document}</filnavn><referanseDokumentfil>{document}</referanseDokumentfil>
      </dokumentobjekt>
    </dokumentbeskrivelse>
    <tittel>Medarbeidersamtale</tittel>
    <referanseEksternNoekkel>
      <md:fagsystem>Samtale</md:fagsystem><md:noekkel>{noekkel}</md:noekkel>
    </referanseEksternNoekkel>
    <journalposttype><md:kode>X</md:kode></journalposttype>
  </registrering>
</arkivmelding>
""".encode()


def sok(klasse: str) -> bytes:
    """A search for the personnel file of class `klasse`."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<sok xmlns="{FIKS}/sok/v1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <system>Samtale</system>
  <take>10</take>
  <skip>0</skip>
  <sokdefinisjon xsi:type="mappeSokdefinisjon">
    <responstype>minimum</responstype>
    <parametere>
      <operator>equal</operator>
      <sokVerdier>
        <mappeKlassifikasjon>
          <klassifikasjonssystemID>{PERSONAL}</klassifikasjonssystemID>
          <klasseID>{klasse}</klasseID>
        </mappeKlassifikasjon>
      </sokVerdier>
      <felt>mappeKlassifikasjon</felt>
    </parametere>
  </sokdefinisjon>
</sok>
""".encode()
