"""The thirteen everyday tasks of issue 46 (tests/browser/test_first_time_tasks.py): who
does each and what it ends in, the demo they are done in, and what each may take.

TASKS (who, and what is done; then the outcome the test checks). The employee's first three
on a phone (390 px), the others at 1280 px. Where a first-time user is refused and tries again
(a stumble), the test does the same, and the task's figures count it.

1. next-conversation — Kari, employee, phone: when and where her next conversation is.
   Its day, time and place are on the screen.
2. prepare-on-a-phone — Kari, phone: a note on one theme, the statements answered, the
   preparation shared. The note is saved and shared, the answers stored, the conversation
   prepared.
3. last-actions-one-done — Kari, phone: what was agreed in her last conversation, and one
   of its actions marked done. That action is done.
4. signed-form — Kari, desktop: her copy of the last signed follow-up form. A PDF is
   downloaded.
5. lacking-conversation-planned — Ola, leader: which of his employees has no conversation in
   this year's round, and one planned. The round's page says who; that person then has a
   conversation with a time.
6. meeting-to-signing — Ola and Frode (his employee), desktop: the meeting held with a goal
   agreed, Frode's summary written and sent, approved, signed by both. The conversation is
   signed and its form made.
7. overdue-reminder — Ola: the actions past their deadline, and the employee responsible for
   one reminded. An e-mail to the employee is queued. NOT POSSIBLE BEFORE issue 46 (item 1).
8. leaders-leader-view — Ingrid, the leader's leader: how the units below her are doing. Their
   figures (conversations missing, actions overdue) are on the screen.
9. new-round — Lise, HR: a new round for Helse og omsorg. The round exists with its people.
10. satisfaction-and-needs — Lise, HR: how satisfied people were with their conversations, and
    a new shared need taken into consideration. The figure is on the screen; the need's status
    changed.
11. data-copy — Lise, HR, sends Kari the copy of her data that Kari asked for; Kari downloads
    it. The copy is downloaded, by Kari.
12. archive-queue — Berit, archive staff: a signed form in the queue downloaded and marked as
    registered in the archive. The delivery is registered.
13. new-employee — Nils, administrator: a new teacher with her unit and line manager. The
    person exists with both.
"""

from django.db import transaction

from samtale.demo import handover as handover_demo
from samtale.demo import needs as needs_demo
from samtale.demo import org as org_demo
from samtale.demo import rounds as rounds_demo
from samtale.insight.publication import publish
from tests.browser.first_time import Budget
from tests.browser.snapshot import Snapshot

# What each task may take: Budget(page loads, actions, shortest designable (page loads,
# actions), the step that needs a guess). The budgets are what the product needed before
# issue 46 (docs/developing/first-time-tasks.md); lower them as the product gets there.
# Issue 46's target: each within 1.5 times the shortest, and no guess.
BUDGETS = {
    # Shortest 1/0: the home page's card gives the day, the time and the place.
    # Before: the card had no place, "Åpne samtalen" (2/1).
    "next-conversation": Budget(1, 0, (1, 0)),
    # Shortest 3/6: "Forbered deg" (1), a note (1), the three statements (3), "Del" (1), and
    # the page after says it is shared. Today "Del alle notatene mine …" asks on a page of
    # its own (1 load, 1 click), and the page is 8,500 px tall (ten phone screens) with no
    # list of its themes: the statements are six screens down (scrolling is not counted).
    "prepare-on-a-phone": Budget(4, 7, (3, 6)),
    # Shortest 1/2: the home page's "Fra siste samtale" with its goals and actions, each
    # with an inline update: "Fullført" (1) and save (1).
    # Today: the home page's "Fra siste samtale" lists every goal, each open action its card:
    # "Oppdater", the status and "Lagre", saved in place (before issue 46: 6/6, through "Alle
    # samtalene dine" and a guess at which "Ola Berg" was the last conversation; then 3/3,
    # through the action's page).
    "last-actions-one-done": Budget(1, 3, (1, 2)),
    # Shortest 1/1: the home page's "Fra siste samtale" links its signed form; and so it does
    # (before: 3/3 and the same guess).
    "signed-form": Budget(1, 1, (1, 1)),
    # Shortest 3/2: the home page names who lacks a conversation, with "Planlegg" (1); the
    # plan page has the person and a proposed time; "Planlegg" (1). And so it is. Before: the
    # round's table (under "Samtalerunder") said "Mangler", its names were not links, and
    # planning one person was the round's "Sett opp timeplan for samtalene dine" and
    # "Godta timeplanen" (5/4, a guess).
    "lacking-conversation-planned": Budget(3, 2, (3, 2)),
    # Shortest 13/19. Leader: the home card's link to the meeting (1 load, 1), goal, action,
    # deadline and add (4), close (1 load, 1). Employee: home, "Skriv oppsummeringen" (1
    # load, 1), text and conclusion (2), send (1 load, 1). Leader: home (1 load, 1),
    # "Les og kommenter" (1 load, 1), approve (1 load, 1), tick and sign (1 load, 2).
    # Employee: home (1 load, 1), "Signer" (1 load, 1), tick and sign (1 load, 2).
    # Today the meeting is one more page away ("Åpne samtalen", then "Møtet"). Before
    # issue 46 it took 17/25 with two guesses: closing it before its planned day was refused
    # after the fact, and "Send til kommentar og godkjenning" lost the conclusion chosen.
    "meeting-to-signing": Budget(14, 20, (13, 19)),
    # Shortest 3/2: the overdue actions from the home page (1 load, 1), "Minn på" on the
    # action's row (1 load, 1); and so it is. NOT POSSIBLE BEFORE issue 46: "Oppfølging",
    # the overdue list and the action's page (4 loads, 3 clicks) had no "Minn på".
    "overdue-reminder": Budget(3, 2, (3, 2)),
    # Shortest 1/0: the home page's "Enheter under deg" has each unit's figures; and so it
    # does. Before: the table had only the number of people, the figures were under
    # "Innsikt" in the menu ("Oppfølging" shows only her two direct reports): 2/1, a guess.
    "leaders-leader-view": Budget(1, 0, (1, 0)),
    # Shortest 3/6: "Ny runde" on HR's home page (1 load, 1), name, end date, template and
    # unit (4), "Opprett runden" (1 load, 1). Today the rounds are only in the menu.
    "new-round": Budget(4, 7, (3, 6)),
    # Shortest 3/3: the home page shows the last published satisfaction (its period named)
    # and the new shared needs; the need (1 load, 1), its status (1), save (1 load, 1).
    # And so it is. Before: "Statusanalyse", whose key figure said "Publiseres når året er
    # omme"; last year's figure was in the 20-column table "Over årene" far down (a guess);
    # then "Felles behov", the need, its status and "Lagre status" (5/5).
    "satisfaction-and-needs": Budget(3, 3, (3, 3)),
    # Shortest 6/8. HR: "Personer" (1 load, 1), search (1, 1), the person (1 load, 1),
    # "Send personen en innsynskopi" (1 load, 1), why and how (2), send (1 load, 1). Kari: a
    # card on her home page (1 load) with the download (1).
    # And so it is, but for the search's button (1 more click). Before: Kari's home page said
    # nothing; the copy waited under "Profil og språk" (7/10, a guess).
    "data-copy": Budget(6, 9, (6, 8)),
    # Shortest 3/3: a home card "N skjema venter på deg" (1 load, 1), the package (1),
    # "Registrert i arkivet" (1 load, 1).
    # And so it is (before issue 46 the home page said "Ingenting venter på deg akkurat nå"
    # while forms waited: the queue was "Arkiv" in the menu, a guess, and the row did not say
    # to download the package and register it).
    "archive-queue": Budget(3, 3, (3, 3)),
    # Shortest 3/9: "Legg til en person" on the home page (1 load, 1), first and last name,
    # e-mail, job title (4), line manager (type and choose: 2, which gives the unit), start
    # date (1), "Lagre" (1 load, 1). Today "Personer" first, and the unit chosen apart (2).
    "new-employee": Budget(4, 12, (3, 9)),
}


# The whole demo as first loaded in this worker: put back before each later test as
# conftest's `demo` puts back its part (tests/browser/snapshot.py).
_whole_copy = Snapshot()


def whole_demo_loaded(request) -> dict:
    """The demo as `manage.py demo_data` loads it: the people, their conversations and
    actions (conftest's `demo`), this year's round, the shared needs and the published
    figures. In one transaction, as the command loads it: on PostgreSQL a commit per row
    made the load three times as long. The demo's logins."""
    if _whole_copy:
        _whole_copy.put_back()
        return org_demo.logins()
    logins = request.getfixturevalue("demo")  # its copy put back, or loaded and kept
    with transaction.atomic():
        rounds_demo.load()
        handover_demo.load()
        needs_demo.load()
        publish.publish_due()
    _whole_copy.take()
    return logins
