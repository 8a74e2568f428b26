"""Medarbeidersamtale – skjema med 8 tema: the source form's eight themes (seed 001), its
sixth as statements about the leader."""

from samtale.guides.builtin.texts import statement, t, theme

IMPROVE = t(
    "Hva kan eventuelt bli bedre – hvordan?",
    "Kva kan eventuelt bli betre – korleis?",
    "What, if anything, could be better – and how?",
)

LEADERSHIP = t("Ledelse", "Leiing", "Leadership")

# Theme 6 of the source form as statements about the leader (upward feedback): answered
# privately in preparation, never shown to the leader one by one, only as the round's
# aggregate for that leader once at least k have answered (samtale.insight.leadership).
LEADERSHIP_STATEMENTS = [
    statement(
        "skjema-ledelse-1",
        LEADERSHIP,
        t(
            "Lederen min har tilstrekkelig kjennskap til arbeidsoppgavene mine",
            "Leiaren min har tilstrekkeleg kjennskap til arbeidsoppgåvene mine",
            "My leader knows enough about my tasks",
        ),
    ),
    statement(
        "skjema-ledelse-2",
        LEADERSHIP,
        t(
            "Lederen min gir meg den hjelp og støtte jeg trenger i jobben",
            "Leiaren min gir meg den hjelpa og støtta eg treng i jobben",
            "My leader gives me the help and support I need in my job",
        ),
    ),
    statement(
        "skjema-ledelse-3",
        LEADERSHIP,
        t(
            "Lederen min gir nyttige tilbakemeldinger på jobben jeg gjør",
            "Leiaren min gir nyttige tilbakemeldingar på jobben eg gjer",
            "My leader gives useful feedback on the work I do",
        ),
    ),
]

GOALS_TABLE_HELP = t(
    "Mål · Tiltak · Tidsfrist · Ansvar. Mål og tiltak tas opp igjen i neste medarbeidersamtale.",
    "Mål · Tiltak · Tidsfrist · Ansvar. Mål og tiltak blir tekne opp att i neste "
    "medarbeidarsamtale.",
    "Goal · Action · Deadline · Responsible. The goals and actions are taken up again in the "
    "next employee conversation.",
)

SKJEMA_8_TEMA = {
    "key": "skjema-8-tema",
    "name": t(
        "Medarbeidersamtale – skjema med 8 tema",
        "Medarbeidarsamtale – skjema med 8 tema",
        "Employee conversation – form with 8 themes",
    ),
    "description": t(
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
        theme(
            "motivasjon",
            t("Motivasjon", "Motivasjon", "Motivation"),
            prompts=[
                t(
                    "I hvilken grad er arbeidsoppgavene dine spennende, interessante og "
                    "inspirerende?",
                    "I kva grad er arbeidsoppgåvene dine spennande, interessante og inspirerande?",
                    "To what extent are your tasks exciting, interesting and inspiring?",
                ),
                IMPROVE,
            ],
        ),
        theme(
            "selvstendighet-fleksibilitet",
            t(
                "Selvstendighet/fleksibilitet",
                "Sjølvstende/fleksibilitet",
                "Independence/flexibility",
            ),
            prompts=[
                t(
                    "Hvordan vurderer du muligheten til å jobbe selvstendig?",
                    "Korleis vurderer du moglegheita til å jobbe sjølvstendig?",
                    "How do you rate your opportunity to work independently?",
                ),
                t(
                    "Hvordan ser du på det å endre oppgaver eller gjøre ting på nye måter?",
                    "Korleis ser du på det å endre oppgåver eller gjere ting på nye måtar?",
                    "How do you feel about changing tasks or doing things in new ways?",
                ),
                IMPROVE,
            ],
        ),
        theme(
            "kompetanseutvikling",
            t("Kompetanseutvikling", "Kompetanseutvikling", "Competence development"),
            prompts=[
                t(
                    "I hvilken grad får du utviklet kompetansen din til å gjøre en god jobb?",
                    "I kva grad får du utvikla kompetansen din til å gjere ein god jobb?",
                    "To what extent do you get to develop the competence you need to do a good "
                    "job?",
                ),
                t(
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
        theme(
            "rolleklarhet",
            t("Rolleklarhet", "Rolleklarleik", "Role clarity"),
            prompts=[
                t(
                    "I hvilken grad vet du hva som er forventet av deg i jobben?",
                    "I kva grad veit du kva som er venta av deg i jobben?",
                    "To what extent do you know what is expected of you in your job?",
                ),
                t(
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
        theme(
            "delekultur",
            t("Delekultur", "Delingskultur", "Sharing culture"),
            prompts=[
                t(
                    "I hvilken grad er vi gode på å dele med hverandre?",
                    "I kva grad er vi gode til å dele med kvarandre?",
                    "To what extent are we good at sharing with each other?",
                ),
                t(
                    "Hvordan bidrar du til at vi oppnår en delekultur?",
                    "Korleis bidreg du til at vi får ein delingskultur?",
                    "How do you help us achieve a culture of sharing?",
                ),
                t(
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
        theme(
            "ledelse",
            t("Ledelse", "Leiing", "Leadership"),
            prompts=[
                t(
                    "I hvilken grad har leder tilstrekkelig kjennskap til dine arbeidsoppgaver?",
                    "I kva grad har leiaren tilstrekkeleg kjennskap til arbeidsoppgåvene dine?",
                    "To what extent does your leader know enough about your tasks?",
                ),
                t(
                    "Opplever du at din leder gir deg den hjelp og støtte du trenger i jobben?",
                    "Opplever du at leiaren din gir deg den hjelpa og støtta du treng i jobben?",
                    "Do you feel that your leader gives you the help and support you need in "
                    "your job?",
                ),
                t(
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
        theme(
            "arbeidsplassens-mal",
            t(
                "Prioriterte mål og satsingsområder for arbeidsplassen",
                "Prioriterte mål og satsingsområde for arbeidsplassen",
                "The workplace's priority goals and focus areas",
            ),
            help=t(
                "Leder konkretiserer i forhold til hva som er relevant for arbeidsplassen.",
                "Leiaren konkretiserer ut frå kva som er relevant for arbeidsplassen.",
                "The leader makes this concrete for what is relevant to the workplace.",
            ),
            leader_only=True,
        ),
        theme(
            "mal-og-tiltak",
            t(
                "Mål og tiltak for kommende periode – hva er vi enige om?",
                "Mål og tiltak for komande periode – kva er vi samde om?",
                "Goals and actions for the coming period – what do we agree on?",
            ),
            help=GOALS_TABLE_HELP,
            goals=True,
        ),
    ],
}
