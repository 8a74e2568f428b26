"""Kort innsjekk: a short, frequent conversation between the yearly ones."""

from samtale.guides.builtin.texts import INDIVIDUAL, statement, t, theme

INNSJEKK = {
    "key": "innsjekk",
    "name": t("Kort innsjekk", "Kort innsjekk", "Short check-in"),
    "description": t(
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
        theme(
            "siden-sist",
            t("Siden sist", "Sidan sist", "Since last time"),
            prompts=[
                t(
                    "Hva har gått bra siden sist?",
                    "Kva har gått bra sidan sist?",
                    "What has gone well since last time?",
                ),
                t(
                    "Hva har vært vanskelig?",
                    "Kva har vore vanskeleg?",
                    "What has been difficult?",
                ),
                t(
                    "Hvordan gikk det med det vi avtalte sist?",
                    "Korleis gjekk det med det vi avtalte sist?",
                    "How did it go with what we agreed last time?",
                ),
            ],
        ),
        theme(
            "akkurat-na",
            t("Akkurat nå", "Akkurat no", "Right now"),
            help=t(
                "Svar på utsagnene fra 1 (helt uenig) til 5 (helt enig).",
                "Svar på utsegnene frå 1 (heilt usamd) til 5 (heilt samd).",
                "Answer the statements from 1 (strongly disagree) to 5 (strongly agree).",
            ),
            prompts=[
                t(
                    "Hva er viktigst i jobben din akkurat nå?",
                    "Kva er viktigast i jobben din akkurat no?",
                    "What matters most in your work right now?",
                ),
                t(
                    "Har du det du trenger for å lykkes?",
                    "Har du det du treng for å lukkast?",
                    "Do you have what you need to succeed?",
                ),
            ],
            statements=[
                statement(
                    "innsjekk-1",
                    INDIVIDUAL,
                    t(
                        "Jeg vet hva som er viktigst i jobben min nå",
                        "Eg veit kva som er viktigast i jobben min no",
                        "I know what matters most in my job right now",
                    ),
                ),
                statement(
                    "innsjekk-2",
                    INDIVIDUAL,
                    t(
                        "Jeg får den støtten jeg trenger",
                        "Eg får den støtta eg treng",
                        "I get the support I need",
                    ),
                ),
                statement(
                    "innsjekk-3",
                    INDIVIDUAL,
                    t(
                        "Arbeidsmengden min er til å leve med",
                        "Arbeidsmengda mi er til å leve med",
                        "My workload is manageable",
                    ),
                ),
            ],
        ),
        theme(
            "neste-steg",
            t("Neste steg", "Neste steg", "Next steps"),
            help=t(
                "Mål · Tiltak · Tidsfrist · Ansvar. Hold det kort: ett eller to tiltak er nok.",
                "Mål · Tiltak · Tidsfrist · Ansvar. Hald det kort: eitt eller to tiltak er nok.",
                "Goal · Action · Deadline · Responsible. Keep it short: one or two actions are "
                "enough.",
            ),
            prompts=[
                t(
                    "Hva gjør vi fram til neste gang, og hvem gjør hva?",
                    "Kva gjer vi fram til neste gong, og kven gjer kva?",
                    "What do we do until next time, and who does what?",
                ),
            ],
            goals=True,
        ),
    ],
}
