"""The three built-in conversation templates, as data.

Bokmål is the sources' own wording (seeds 001 and 004), with only obvious typos
corrected; nynorsk and English are translations. Every text carries all three
languages. Migration 0002_builtin creates them on a fresh database.

Changing a built-in's content here does not change a database that already has
it: that takes a new migration that adds a new version (conversations keep the
version they were held with), and the change belongs in that migration's data,
so a fresh database and an old one end up the same.
"""

from collections.abc import Sequence
from copy import deepcopy


def _t(nb: str, nn: str, en: str) -> dict[str, str]:
    return {"nb": nb, "nn": nn, "en": en}


def _theme(
    key: str,
    title: dict,
    *,
    help: dict | None = None,
    prompts: Sequence[dict] = (),
    statements: Sequence[dict] = (),
    goals: bool = False,
    leader_only: bool = False,
    about_leader: bool = False,
) -> dict:
    return {
        "key": key,
        "title": title,
        "help": help or {},
        "prompts": list(prompts),
        "statements": list(statements),
        "goals": goals,
        "leader_only": leader_only,
        "about_leader": about_leader,
    }


def _statement(key: str, group: dict, text: dict) -> dict:
    return {"key": key, "group": group, "text": text}


IMPROVE = _t(
    "Hva kan eventuelt bli bedre – hvordan?",
    "Kva kan eventuelt bli betre – korleis?",
    "What, if anything, could be better – and how?",
)

LEADERSHIP = _t("Ledelse", "Leiing", "Leadership")

# Theme 6 of the source form as statements about the leader (upward feedback): answered
# privately in preparation, never shown to the leader one by one, only as the round's
# aggregate for that leader once at least k have answered (samtale.insight.leadership).
LEADERSHIP_STATEMENTS = [
    _statement(
        "skjema-ledelse-1",
        LEADERSHIP,
        _t(
            "Lederen min har tilstrekkelig kjennskap til arbeidsoppgavene mine",
            "Leiaren min har tilstrekkeleg kjennskap til arbeidsoppgåvene mine",
            "My leader knows enough about my tasks",
        ),
    ),
    _statement(
        "skjema-ledelse-2",
        LEADERSHIP,
        _t(
            "Lederen min gir meg den hjelp og støtte jeg trenger i jobben",
            "Leiaren min gir meg den hjelpa og støtta eg treng i jobben",
            "My leader gives me the help and support I need in my job",
        ),
    ),
    _statement(
        "skjema-ledelse-3",
        LEADERSHIP,
        _t(
            "Lederen min gir nyttige tilbakemeldinger på jobben jeg gjør",
            "Leiaren min gir nyttige tilbakemeldingar på jobben eg gjer",
            "My leader gives useful feedback on the work I do",
        ),
    ),
]

GOALS_TABLE_HELP = _t(
    "Mål · Tiltak · Tidsfrist · Ansvar. Mål og tiltak tas opp igjen i neste medarbeidersamtale.",
    "Mål · Tiltak · Tidsfrist · Ansvar. Mål og tiltak blir tekne opp att i neste "
    "medarbeidarsamtale.",
    "Goal · Action · Deadline · Responsible. The goals and actions are taken up again in the "
    "next employee conversation.",
)

SKJEMA_8_TEMA = {
    "key": "skjema-8-tema",
    "name": _t(
        "Medarbeidersamtale – skjema med 8 tema",
        "Medarbeidarsamtale – skjema med 8 tema",
        "Employee conversation – form with 8 themes",
    ),
    "description": _t(
        "Medarbeidersamtalen er et arbeidsmøte der leder og medarbeider årlig skal gi systematisk "
        "tilbakemelding vedrørende mål og prioritering av arbeidsoppgaver for den enkelte "
        "medarbeider og vedrørende motivasjon, mestring, innsats og trivsel på arbeidsplassen. "
        "Det skal også fastsettes målsettinger og prioriteringer for kommende arbeidsår.\n\n"
        "Samtalen skal være forberedt, åpen, fortrolig og forpliktende.\n\n"
        "Følgende skjema skal være en hjelp for medarbeider i forberedelsen og skal benyttes til "
        "å systematisere medarbeidersamtalen. Samtalen er personlig og gjelder forholdet mellom "
        "medarbeider og leder. Opplysninger som kommer fram i medarbeidersamtalen skal ikke "
        "brukes utad uten at dette eksplisitt er avtalt i konklusjonsdelen.",
        "Medarbeidarsamtalen er eit arbeidsmøte der leiar og medarbeidar kvart år skal gi "
        "systematisk tilbakemelding om mål og prioritering av arbeidsoppgåver for den einskilde "
        "medarbeidaren og om motivasjon, meistring, innsats og trivsel på arbeidsplassen. "
        "Det skal også fastsetjast målsetjingar og prioriteringar for det komande arbeidsåret.\n\n"
        "Samtalen skal vere førebudd, open, fortruleg og forpliktande.\n\n"
        "Skjemaet nedanfor skal vere ei hjelp for medarbeidaren i førebuinga og skal brukast til "
        "å systematisere medarbeidarsamtalen. Samtalen er personleg og gjeld forholdet mellom "
        "medarbeidar og leiar. Opplysningar som kjem fram i medarbeidarsamtalen, skal ikkje "
        "brukast utetter utan at det er eksplisitt avtalt i konklusjonsdelen.",
        "The employee conversation is a working meeting in which, once a year, leader and "
        "employee give each other systematic feedback on the employee's goals and the "
        "priority of their tasks, and on motivation, mastery, effort and well-being at the "
        "workplace. Goals and priorities for the coming working year are also set.\n\n"
        "The conversation is to be prepared, open, confidential and binding.\n\n"
        "This form helps the employee prepare and gives the conversation its structure. The "
        "conversation is personal and concerns the relationship between employee and leader. "
        "Information that comes up in the conversation is not to be used outside it unless "
        "this is explicitly agreed in the conclusion.",
    ),
    "kind": "annual",
    "summary_author": "employee",
    "duration_minutes": 90,
    "themes": [
        _theme(
            "motivasjon",
            _t("Motivasjon", "Motivasjon", "Motivation"),
            prompts=[
                _t(
                    "I hvilken grad er arbeidsoppgavene dine spennende, interessante og "
                    "inspirerende?",
                    "I kva grad er arbeidsoppgåvene dine spennande, interessante og inspirerande?",
                    "To what extent are your tasks exciting, interesting and inspiring?",
                ),
                IMPROVE,
            ],
        ),
        _theme(
            "selvstendighet-fleksibilitet",
            _t(
                "Selvstendighet/fleksibilitet",
                "Sjølvstende/fleksibilitet",
                "Independence/flexibility",
            ),
            prompts=[
                _t(
                    "Hvordan vurderer du muligheten til å jobbe selvstendig?",
                    "Korleis vurderer du moglegheita til å jobbe sjølvstendig?",
                    "How do you rate your opportunity to work independently?",
                ),
                _t(
                    "Hvordan ser du på det å endre oppgaver eller gjøre ting på nye måter?",
                    "Korleis ser du på det å endre oppgåver eller gjere ting på nye måtar?",
                    "How do you feel about changing tasks or doing things in new ways?",
                ),
                IMPROVE,
            ],
        ),
        _theme(
            "kompetanseutvikling",
            _t("Kompetanseutvikling", "Kompetanseutvikling", "Competence development"),
            prompts=[
                _t(
                    "I hvilken grad får du utviklet kompetansen din til å gjøre en god jobb?",
                    "I kva grad får du utvikla kompetansen din til å gjere ein god jobb?",
                    "To what extent do you get to develop the competence you need to do a good "
                    "job?",
                ),
                _t(
                    "Hva tenker du om muligheten framover til å få den "
                    "opplæringen/kompetansehevingen du har behov for?",
                    "Kva tenkjer du om moglegheita framover til å få den "
                    "opplæringa/kompetansehevinga du har behov for?",
                    "What do you think of your chances, from now on, of getting the "
                    "training/further education you need?",
                ),
                IMPROVE,
            ],
        ),
        _theme(
            "rolleklarhet",
            _t("Rolleklarhet", "Rolleklarleik", "Role clarity"),
            prompts=[
                _t(
                    "I hvilken grad vet du hva som er forventet av deg i jobben?",
                    "I kva grad veit du kva som er venta av deg i jobben?",
                    "To what extent do you know what is expected of you in your job?",
                ),
                _t(
                    "Tenker du at det er tydelig nok avklart hvilke ansvarsområder og hvilken "
                    "rolle du har?",
                    "Tenkjer du at det er tydeleg nok avklart kva ansvarsområde og kva rolle du "
                    "har?",
                    "Do you think your areas of responsibility and your role are made clear "
                    "enough?",
                ),
                IMPROVE,
            ],
        ),
        _theme(
            "delekultur",
            _t("Delekultur", "Delingskultur", "Sharing culture"),
            prompts=[
                _t(
                    "I hvilken grad er vi gode på å dele med hverandre?",
                    "I kva grad er vi gode til å dele med kvarandre?",
                    "To what extent are we good at sharing with each other?",
                ),
                _t(
                    "Hvordan bidrar du til at vi oppnår en delekultur?",
                    "Korleis bidreg du til at vi får ein delingskultur?",
                    "How do you help us achieve a culture of sharing?",
                ),
                _t(
                    "Hvordan vurderer du klima på arbeidsplassen i forhold til å gjøre "
                    "hverandre gode?",
                    "Korleis vurderer du klimaet på arbeidsplassen når det gjeld å gjere "
                    "kvarandre gode?",
                    "How do you rate the climate at the workplace when it comes to making each "
                    "other better?",
                ),
                IMPROVE,
            ],
        ),
        _theme(
            "ledelse",
            _t("Ledelse", "Leiing", "Leadership"),
            prompts=[
                _t(
                    "I hvilken grad har leder tilstrekkelig kjennskap til dine arbeidsoppgaver?",
                    "I kva grad har leiaren tilstrekkeleg kjennskap til arbeidsoppgåvene dine?",
                    "To what extent does your leader know enough about your tasks?",
                ),
                _t(
                    "Opplever du at din leder gir deg den hjelp og støtte du trenger i jobben?",
                    "Opplever du at leiaren din gir deg den hjelpa og støtta du treng i jobben?",
                    "Do you feel that your leader gives you the help and support you need in "
                    "your job?",
                ),
                _t(
                    "I hvilken grad opplever du at leder gir nyttige tilbakemeldinger på den "
                    "jobben du gjør?",
                    "I kva grad opplever du at leiaren gir nyttige tilbakemeldingar på den jobben "
                    "du gjer?",
                    "To what extent do you feel that your leader gives useful feedback on the "
                    "work you do?",
                ),
                IMPROVE,
            ],
            statements=LEADERSHIP_STATEMENTS,
            about_leader=True,
        ),
        _theme(
            "arbeidsplassens-mal",
            _t(
                "Prioriterte mål og satsingsområder for arbeidsplassen",
                "Prioriterte mål og satsingsområde for arbeidsplassen",
                "The workplace's priority goals and focus areas",
            ),
            help=_t(
                "Leder konkretiserer i forhold til hva som er relevant for arbeidsplassen.",
                "Leiaren konkretiserer ut frå kva som er relevant for arbeidsplassen.",
                "The leader makes this concrete for what is relevant to the workplace.",
            ),
            leader_only=True,
        ),
        _theme(
            "mal-og-tiltak",
            _t(
                "Mål og tiltak for kommende periode – hva er vi enige om?",
                "Mål og tiltak for komande periode – kva er vi samde om?",
                "Goals and actions for the coming period – what do we agree on?",
            ),
            help=GOALS_TABLE_HELP,
            goals=True,
        ),
    ],
}

INDIVIDUAL = _t("Individuelt", "Individuelt", "Individual")
TEAMWORK = _t("Teamarbeid", "Teamarbeid", "Teamwork")
ORGANIZATION = _t("Organisasjon", "Organisasjon", "Organization")

GRUNNMAL = {
    "key": "grunnmal",
    "name": _t("Grunnleggende mal", "Grunnleggjande mal", "Basic template"),
    "description": _t(
        "Styrker, mål, tiltakspunkter og resultater er de grunnleggende ingrediensene i en mal "
        "for medarbeidersamtaler. Naturligvis bør alle disse være åpne spørsmål.\n\n"
        "Til slutt rangerer medarbeideren åtte utsagn på en skala fra 1–5, slik at svarene kan "
        "sammenlignes på tvers av team og over tid.",
        "Styrkar, mål, tiltakspunkt og resultat er dei grunnleggjande ingrediensane i ein mal "
        "for medarbeidarsamtalar. Naturlegvis bør alle desse vere opne spørsmål.\n\n"
        "Til slutt rangerer medarbeidaren åtte utsegner på ein skala frå 1–5, slik at svara kan "
        "samanliknast på tvers av team og over tid.",
        "Strengths, goals, action items and results are the basic ingredients of a template "
        "for employee conversations. Naturally, all of them should be open questions.\n\n"
        "At the end the employee rates eight statements on a scale from 1 to 5, so that the "
        "answers can be compared across teams and over time.",
    ),
    "kind": "annual",
    "summary_author": "employee",
    "duration_minutes": 60,
    "themes": [
        _theme(
            "styrker",
            _t("Medarbeiderens styrker", "Styrkane til medarbeidaren", "The employee's strengths"),
            help=_t(
                "Den største delen av samtalen bør handle om medarbeiderens styrker. Hvis dette "
                "er den første medarbeidersamtalen, kan du begynne med å nevne medarbeiderens "
                "styrker.",
                "Den største delen av samtalen bør handle om styrkane til medarbeidaren. Viss "
                "dette er den første medarbeidarsamtalen, kan du byrje med å nemne styrkane til "
                "medarbeidaren.",
                "Most of the conversation should be about the employee's strengths. If this is "
                "the first employee conversation, you can begin by naming the employee's "
                "strengths.",
            ),
            prompts=[
                _t(
                    "Hvordan er medarbeideren i stand til å bruke disse styrkene i sitt arbeid?",
                    "Korleis er medarbeidaren i stand til å bruke desse styrkane i arbeidet sitt?",
                    "How is the employee able to use these strengths in their work?",
                ),
                _t(
                    "Hvordan kan medarbeideren utvikle styrkene sine ytterligere?",
                    "Korleis kan medarbeidaren utvikle styrkane sine vidare?",
                    "How can the employee develop their strengths further?",
                ),
            ],
        ),
        _theme(
            "mal-for-fremtiden",
            _t("Mål for fremtiden", "Mål for framtida", "Goals for the future"),
            help=_t(
                "Målene bør være konkrete: i neste medarbeidersamtale må du kunne fastslå om "
                "målet er nådd eller ikke.",
                "Måla bør vere konkrete: i neste medarbeidarsamtale må du kunne slå fast om "
                "målet er nådd eller ikkje.",
                "The goals should be concrete: in the next employee conversation you must be "
                "able to tell whether each goal has been reached.",
            ),
            prompts=[
                _t(
                    "Hva bør medarbeideren prøve å oppnå innen en bestemt tidsfrist?",
                    "Kva bør medarbeidaren prøve å oppnå innan ein bestemd tidsfrist?",
                    "What should the employee try to achieve by a set deadline?",
                ),
                _t(
                    "Hvordan er målene knyttet til bedriftens overordnede mål?",
                    "Korleis er måla knytte til dei overordna måla til verksemda?",
                    "How are the goals linked to the organization's overall goals?",
                ),
            ],
        ),
        _theme(
            "tiltakspunkter",
            _t("Tiltakspunkter", "Tiltakspunkt", "Action items"),
            help=_t(
                "Mål · Tiltak · Tidsfrist · Ansvar. Tiltakspunkter bør være knyttet til målene, "
                "og hvert mål vil sannsynligvis ha flere enn ett tiltakspunkt. Husk at et "
                "tiltakspunkt også kan være å slutte å gjøre noe som medarbeideren gjør for "
                "øyeblikket.",
                "Mål · Tiltak · Tidsfrist · Ansvar. Tiltakspunkt bør vere knytte til måla, og "
                "kvart mål vil truleg ha fleire enn eitt tiltakspunkt. Hugs at eit tiltakspunkt "
                "også kan vere å slutte å gjere noko som medarbeidaren gjer no.",
                "Goal · Action · Deadline · Responsible. Action items should be linked to the "
                "goals, and each goal will probably have more than one. Remember that an action "
                "item can also be to stop doing something the employee does today.",
            ),
            prompts=[
                _t(
                    "Hvilke tiltak kreves for å nå hvert mål?",
                    "Kva tiltak krevst for å nå kvart mål?",
                    "What actions are needed to reach each goal?",
                ),
                _t(
                    "Kanskje medarbeideren trenger ekstra opplæring?",
                    "Kanskje medarbeidaren treng ekstra opplæring?",
                    "Does the employee perhaps need extra training?",
                ),
                _t(
                    "Hva er de første stegene?",
                    "Kva er dei første stega?",
                    "What are the first steps?",
                ),
            ],
            goals=True,
        ),
        _theme(
            "resultat",
            _t("Resultat", "Resultat", "Results"),
            help=_t(
                "Til slutt trenger du å vite resultatet.",
                "Til slutt treng du å vite resultatet.",
                "Finally, you need to know the result.",
            ),
            prompts=[
                _t(
                    "Ble målene nådd, og i så fall, hva ble resultatet?",
                    "Vart måla nådde, og i så fall, kva vart resultatet?",
                    "Were the goals reached, and if so, what was the result?",
                ),
                _t(
                    "Hva er definisjonen av suksess?",
                    "Kva er definisjonen av suksess?",
                    "What is the definition of success?",
                ),
            ],
        ),
        _theme(
            "vurdering",
            _t("Vurdering (1–5)", "Vurdering (1–5)", "Rating (1–5)"),
            help=_t(
                "Ranger følgende utsagn på en skala fra 1–5 (1 = helt uenig, 5 = helt enig).",
                "Ranger utsegnene nedanfor på ein skala frå 1–5 (1 = heilt usamd, 5 = heilt samd).",
                "Rate the following statements on a scale from 1 to 5 (1 = strongly disagree, "
                "5 = strongly agree).",
            ),
            statements=[
                _statement(
                    "grunnmal-individ-1",
                    INDIVIDUAL,
                    _t(
                        "Jeg får mulighet til å bruke styrkene mine hver dag",
                        "Eg får høve til å bruke styrkane mine kvar dag",
                        "I get the opportunity to use my strengths every day",
                    ),
                ),
                _statement(
                    "grunnmal-individ-2",
                    INDIVIDUAL,
                    _t(
                        "Jeg har en tydelig karrierevei i organisasjonen",
                        "Eg har ein tydeleg karriereveg i organisasjonen",
                        "I have a clear career path in the organization",
                    ),
                ),
                _statement(
                    "grunnmal-individ-3",
                    INDIVIDUAL,
                    _t(
                        "Jeg føler at jeg blir belønnet for arbeidet jeg gjør",
                        "Eg kjenner at eg blir påskjønt for arbeidet eg gjer",
                        "I feel rewarded for the work I do",
                    ),
                ),
                _statement(
                    "grunnmal-team-1",
                    TEAMWORK,
                    _t(
                        "Kollegene mine utfører arbeid av høy kvalitet",
                        "Kollegane mine utfører arbeid av høg kvalitet",
                        "My colleagues do work of high quality",
                    ),
                ),
                _statement(
                    "grunnmal-team-2",
                    TEAMWORK,
                    _t(
                        "Kollegene mine bidrar til at jeg utvikler mine egne ferdigheter",
                        "Kollegane mine bidreg til at eg utviklar mine eigne ferdigheiter",
                        "My colleagues help me develop my own skills",
                    ),
                ),
                _statement(
                    "grunnmal-team-3",
                    TEAMWORK,
                    _t(
                        "Kollegene mine gjør arbeidet mitt enklere",
                        "Kollegane mine gjer arbeidet mitt enklare",
                        "My colleagues make my work easier",
                    ),
                ),
                _statement(
                    "grunnmal-org-1",
                    ORGANIZATION,
                    _t(
                        "Organisasjonens mål/visjon inspirerer meg",
                        "Måla/visjonen til organisasjonen inspirerer meg",
                        "The organization's goals/vision inspire me",
                    ),
                ),
                _statement(
                    "grunnmal-org-2",
                    ORGANIZATION,
                    _t(
                        "Organisasjonen er godt forberedt på fremtidige endringer i bransjen",
                        "Organisasjonen er godt førebudd på framtidige endringar i bransjen",
                        "The organization is well prepared for future changes in the industry",
                    ),
                ),
            ],
        ),
    ],
}

INNSJEKK = {
    "key": "innsjekk",
    "name": _t("Kort innsjekk", "Kort innsjekk", "Short check-in"),
    "description": _t(
        "En kort og hyppig samtale, under 30 minutter, mellom de årlige "
        "medarbeidersamtalene: hva har skjedd siden sist, hva er viktigst nå, og hva er neste "
        "steg. Det dere avtaler, tas opp igjen i neste innsjekk.",
        "Ein kort og hyppig samtale, under 30 minutt, mellom dei årlege "
        "medarbeidarsamtalane: kva har skjedd sidan sist, kva er viktigast no, og kva er neste "
        "steg. Det de avtaler, blir teke opp att i neste innsjekk.",
        "A short, frequent conversation of less than 30 minutes between the annual employee "
        "conversations: what has happened since last time, what matters most now, and what "
        "the next steps are. What you agree on is taken up again at the next check-in.",
    ),
    "kind": "check_in",
    "summary_author": "leader",
    "duration_minutes": 25,
    "themes": [
        _theme(
            "siden-sist",
            _t("Siden sist", "Sidan sist", "Since last time"),
            prompts=[
                _t(
                    "Hva har gått bra siden sist?",
                    "Kva har gått bra sidan sist?",
                    "What has gone well since last time?",
                ),
                _t(
                    "Hva har vært vanskelig?",
                    "Kva har vore vanskeleg?",
                    "What has been difficult?",
                ),
                _t(
                    "Hvordan gikk det med det vi avtalte sist?",
                    "Korleis gjekk det med det vi avtalte sist?",
                    "How did it go with what we agreed last time?",
                ),
            ],
        ),
        _theme(
            "akkurat-na",
            _t("Akkurat nå", "Akkurat no", "Right now"),
            help=_t(
                "Svar på utsagnene fra 1 (helt uenig) til 5 (helt enig).",
                "Svar på utsegnene frå 1 (heilt usamd) til 5 (heilt samd).",
                "Answer the statements from 1 (strongly disagree) to 5 (strongly agree).",
            ),
            prompts=[
                _t(
                    "Hva er viktigst i jobben din akkurat nå?",
                    "Kva er viktigast i jobben din akkurat no?",
                    "What matters most in your work right now?",
                ),
                _t(
                    "Har du det du trenger for å lykkes?",
                    "Har du det du treng for å lukkast?",
                    "Do you have what you need to succeed?",
                ),
            ],
            statements=[
                _statement(
                    "innsjekk-1",
                    INDIVIDUAL,
                    _t(
                        "Jeg vet hva som er viktigst i jobben min nå",
                        "Eg veit kva som er viktigast i jobben min no",
                        "I know what matters most in my job right now",
                    ),
                ),
                _statement(
                    "innsjekk-2",
                    INDIVIDUAL,
                    _t(
                        "Jeg får den støtten jeg trenger",
                        "Eg får den støtta eg treng",
                        "I get the support I need",
                    ),
                ),
                _statement(
                    "innsjekk-3",
                    INDIVIDUAL,
                    _t(
                        "Arbeidsmengden min er til å leve med",
                        "Arbeidsmengda mi er til å leve med",
                        "My workload is manageable",
                    ),
                ),
            ],
        ),
        _theme(
            "neste-steg",
            _t("Neste steg", "Neste steg", "Next steps"),
            help=_t(
                "Mål · Tiltak · Tidsfrist · Ansvar. Hold det kort: ett eller to tiltak er nok.",
                "Mål · Tiltak · Tidsfrist · Ansvar. Hald det kort: eitt eller to tiltak er nok.",
                "Goal · Action · Deadline · Responsible. Keep it short: one or two actions are "
                "enough.",
            ),
            prompts=[
                _t(
                    "Hva gjør vi fram til neste gang, og hvem gjør hva?",
                    "Kva gjer vi fram til neste gong, og kven gjer kva?",
                    "What do we do until next time, and who does what?",
                ),
            ],
            goals=True,
        ),
    ],
}

BUILTINS = [SKJEMA_8_TEMA, GRUNNMAL, INNSJEKK]
VERSION_FIELDS = ("name", "description", "kind", "summary_author", "duration_minutes", "themes")


def builtin_ensure(*, Guide, GuideVersion) -> list:
    """Create each built-in template whose key does not exist yet; return the ones created.

    Takes the model classes so a data migration can pass its historical models.
    Idempotent: a built-in that exists (retired, edited or not) is left alone.
    """
    created = []
    for builtin in BUILTINS:
        if Guide.objects.filter(key=builtin["key"]).exists():
            continue
        guide = Guide.objects.create(key=builtin["key"])
        GuideVersion.objects.create(
            guide=guide, number=1, **{name: deepcopy(builtin[name]) for name in VERSION_FIELDS}
        )
        created.append(guide)
    return created
