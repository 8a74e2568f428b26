"""Grunnleggende mal: strengths, goals, actions and results (seed 004)."""

from samtale.guides.builtin.texts import INDIVIDUAL, ORGANIZATION, TEAMWORK, statement, t, theme

GRUNNMAL = {
    "key": "grunnmal",
    "name": t("Grunnleggende mal", "Grunnleggjande mal", "Basic template"),
    "description": t(
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
        theme(
            "styrker",
            t("Medarbeiderens styrker", "Styrkane til medarbeidaren", "The employee's strengths"),
            help=t(
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
                t(
                    "Hvordan er medarbeideren i stand til å bruke disse styrkene i sitt arbeid?",
                    "Korleis er medarbeidaren i stand til å bruke desse styrkane i arbeidet sitt?",
                    "How is the employee able to use these strengths in their work?",
                ),
                t(
                    "Hvordan kan medarbeideren utvikle styrkene sine ytterligere?",
                    "Korleis kan medarbeidaren utvikle styrkane sine vidare?",
                    "How can the employee develop their strengths further?",
                ),
            ],
        ),
        theme(
            "mal-for-fremtiden",
            t("Mål for fremtiden", "Mål for framtida", "Goals for the future"),
            help=t(
                "Målene bør være konkrete: i neste medarbeidersamtale må du kunne fastslå om "
                "målet er nådd eller ikke.",
                "Måla bør vere konkrete: i neste medarbeidarsamtale må du kunne slå fast om "
                "målet er nådd eller ikkje.",
                "The goals should be concrete: in the next employee conversation you must be "
                "able to tell whether each goal has been reached.",
            ),
            prompts=[
                t(
                    "Hva bør medarbeideren prøve å oppnå innen en bestemt tidsfrist?",
                    "Kva bør medarbeidaren prøve å oppnå innan ein bestemd tidsfrist?",
                    "What should the employee try to achieve by a set deadline?",
                ),
                t(
                    "Hvordan er målene knyttet til bedriftens overordnede mål?",
                    "Korleis er måla knytte til dei overordna måla til verksemda?",
                    "How are the goals linked to the organization's overall goals?",
                ),
            ],
        ),
        theme(
            "tiltakspunkter",
            t("Tiltakspunkter", "Tiltakspunkt", "Action items"),
            help=t(
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
                t(
                    "Hvilke tiltak kreves for å nå hvert mål?",
                    "Kva tiltak krevst for å nå kvart mål?",
                    "What actions are needed to reach each goal?",
                ),
                t(
                    "Kanskje medarbeideren trenger ekstra opplæring?",
                    "Kanskje medarbeidaren treng ekstra opplæring?",
                    "Does the employee perhaps need extra training?",
                ),
                t(
                    "Hva er de første stegene?",
                    "Kva er dei første stega?",
                    "What are the first steps?",
                ),
            ],
            goals=True,
        ),
        theme(
            "resultat",
            t("Resultat", "Resultat", "Results"),
            help=t(
                "Til slutt trenger du å vite resultatet.",
                "Til slutt treng du å vite resultatet.",
                "Finally, you need to know the result.",
            ),
            prompts=[
                t(
                    "Ble målene nådd, og i så fall, hva ble resultatet?",
                    "Vart måla nådde, og i så fall, kva vart resultatet?",
                    "Were the goals reached, and if so, what was the result?",
                ),
                t(
                    "Hva er definisjonen av suksess?",
                    "Kva er definisjonen av suksess?",
                    "What is the definition of success?",
                ),
            ],
        ),
        theme(
            "vurdering",
            t("Vurdering (1–5)", "Vurdering (1–5)", "Rating (1–5)"),
            help=t(
                "Ranger følgende utsagn på en skala fra 1–5 (1 = helt uenig, 5 = helt enig).",
                "Ranger utsegnene nedanfor på ein skala frå 1–5 (1 = heilt usamd, 5 = heilt samd).",
                "Rate the following statements on a scale from 1 to 5 (1 = strongly disagree, "
                "5 = strongly agree).",
            ),
            statements=[
                statement(
                    "grunnmal-individ-1",
                    INDIVIDUAL,
                    t(
                        "Jeg får mulighet til å bruke styrkene mine hver dag",
                        "Eg får høve til å bruke styrkane mine kvar dag",
                        "I get the opportunity to use my strengths every day",
                    ),
                ),
                statement(
                    "grunnmal-individ-2",
                    INDIVIDUAL,
                    t(
                        "Jeg har en tydelig karrierevei i organisasjonen",
                        "Eg har ein tydeleg karriereveg i organisasjonen",
                        "I have a clear career path in the organization",
                    ),
                ),
                statement(
                    "grunnmal-individ-3",
                    INDIVIDUAL,
                    t(
                        "Jeg føler at jeg blir belønnet for arbeidet jeg gjør",
                        "Eg kjenner at eg blir påskjønt for arbeidet eg gjer",
                        "I feel rewarded for the work I do",
                    ),
                ),
                statement(
                    "grunnmal-team-1",
                    TEAMWORK,
                    t(
                        "Kollegene mine utfører arbeid av høy kvalitet",
                        "Kollegane mine utfører arbeid av høg kvalitet",
                        "My colleagues do work of high quality",
                    ),
                ),
                statement(
                    "grunnmal-team-2",
                    TEAMWORK,
                    t(
                        "Kollegene mine bidrar til at jeg utvikler mine egne ferdigheter",
                        "Kollegane mine bidreg til at eg utviklar mine eigne ferdigheiter",
                        "My colleagues help me develop my own skills",
                    ),
                ),
                statement(
                    "grunnmal-team-3",
                    TEAMWORK,
                    t(
                        "Kollegene mine gjør arbeidet mitt enklere",
                        "Kollegane mine gjer arbeidet mitt enklare",
                        "My colleagues make my work easier",
                    ),
                ),
                statement(
                    "grunnmal-org-1",
                    ORGANIZATION,
                    t(
                        "Organisasjonens mål/visjon inspirerer meg",
                        "Måla/visjonen til organisasjonen inspirerer meg",
                        "The organization's goals/vision inspire me",
                    ),
                ),
                statement(
                    "grunnmal-org-2",
                    ORGANIZATION,
                    t(
                        "Organisasjonen er godt forberedt på fremtidige endringer i bransjen",
                        "Organisasjonen er godt førebudd på framtidige endringar i bransjen",
                        "The organization is well prepared for future changes in the industry",
                    ),
                ),
            ],
        ),
    ],
}
