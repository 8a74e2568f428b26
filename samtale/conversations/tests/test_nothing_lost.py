"""Nothing chosen or typed is lost: every form of the conversation, posted with one field
left out, comes back with the other fields as they were typed and chosen, and the error at
the field left out, marked as the project's forms mark it (aria-invalid on the control, and
aria-describedby naming the message, on the control or on its fieldset).

A form posted to a view of its own (a goal, an action, a goal's result, a need) goes back to
its page without JavaScript, and the page shows it as it was; the others come back at once.
And the conversation's pages use each id once.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from samtale.actions.models import Goal
from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle, summary
from samtale.conversations.services.correction import draft_version
from samtale.conversations.tests import summary_steps as steps
from samtale.needs.services import units_for_need
from samtale.signing import services as signing


class FormControls(HTMLParser):
    """The controls of the form posted to `action` (by its action or by a button's
    formaction; a control inside it, or joined to it with the form attribute), each with its
    attributes, its text (a textarea), its options (a select) and the aria-describedby of the
    fieldset around it; and the text of every element by id."""

    def __init__(self, action: str, page: str):
        super().__init__(convert_charrefs=True)
        self.action, self.page = action, page
        self.forms: list[dict] = []  # every <form>: its id and where it posts
        self._forms_open: list[dict] = []
        self.fieldsets: list[str] = []
        self.controls: list[dict] = []
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, id) of open elements
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            form = {"id": a.get("id"), "posts": {urlsplit(a.get("action") or self.page).path}}
            self.forms.append(form)
            self._forms_open.append(form)
        elif tag == "button" and self._forms_open and a.get("formaction"):
            self._forms_open[-1]["posts"].add(urlsplit(a["formaction"]).path)
        elif tag == "fieldset":
            self.fieldsets.append(a.get("aria-describedby") or "")
        elif tag in ("input", "textarea", "select"):
            control = {"tag": tag, "attrs": a, "text": "", "options": []}
            control["in"] = self._forms_open[-1] if self._forms_open else None
            control["fieldset"] = next((d for d in reversed(self.fieldsets) if d), "")
            self.controls.append(control)
            self._textarea = control if tag == "textarea" else None
            self._select = control if tag == "select" else self._select
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a)
        if tag not in ("input", "br", "hr", "img", "meta", "link"):
            self._open.append((tag, a.get("id")))
            if a.get("id"):
                self.texts.setdefault(a["id"], "")

    def handle_endtag(self, tag):
        if tag == "form" and self._forms_open:
            self._forms_open.pop()
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        for _tag, element_id in self._open:
            if element_id:
                self.texts[element_id] += data

    def _ours(self, control: dict) -> bool:
        owner = control["in"]
        if "form" in control["attrs"]:
            owner = next((f for f in self.forms if f["id"] == control["attrs"]["form"]), None)
        return owner is not None and self.action in owner["posts"]

    def named(self, name: str) -> list[dict]:
        return [c for c in self.controls if c["attrs"].get("name") == name and self._ours(c)]


def _value(controls: list[dict]) -> str | None:
    """What the controls of one name show as their value."""
    first = controls[0]
    kind = first["attrs"].get("type", "")
    if first["tag"] == "textarea":
        return first["text"].removeprefix("\n")
    if first["tag"] == "select":
        return next((o.get("value") for o in first["options"] if "selected" in o), None)
    if kind in ("radio", "checkbox"):
        return next((c["attrs"]["value"] for c in controls if "checked" in c["attrs"]), None)
    return first["attrs"].get("value", "")


@dataclass
class Case:
    """A form of the conversation: who posts what to which URL, in which state."""

    name: str  # the URL name
    role: str
    state: str  # see _state()
    data: dict
    missing: str  # the field left out (posted empty)
    htmx: bool = False
    # The URL name and kwargs of the page a post without JavaScript goes back to (followed).
    kwargs: dict = field(default_factory=dict)


CASES = [
    # Planning: the leader's plan of a new conversation, and its time and place.
    Case(
        "conversation_create",
        "leader",
        "planned",
        {
            "employee": "{employee}",
            "leader": "{leader}",
            "guide": "{guide}",
            "date": "15.12.2030",
            "time": "13:30",
            "duration_minutes": "75",
            "place": "Rom 7 i andre etasje",
        },
        "guide",
    ),
    Case(
        "conversation_create",
        "leader",
        "planned",
        {
            "employee": "{employee}",
            "leader": "{leader}",
            "guide": "{guide}",
            "date": "15.12.2030",
            "time": "13:30",
            "duration_minutes": "75",
            "place": "Rom 7 i andre etasje",
        },
        "time",
    ),
    Case(
        "conversation_schedule",
        "leader",
        "planned",
        {"date": "15.12.2030", "time": "09:15", "duration_minutes": "80", "place": "Kantina"},
        "time",
    ),
    Case("conversation_postpone", "leader", "planned", {"reason": "Sykdom"}, "reason"),
    Case("conversation_cancel", "leader", "planned", {"reason": "Sluttet"}, "reason"),
    # Preparation: a need raised, a previous goal's result.
    Case(
        "need_raise",
        "employee",
        "planned",
        {"from": "preparation", "category": "equipment", "text": "Ny skjerm", "cost": "1500"},
        "text",
    ),
    Case(
        "goal_review",
        "employee",
        "previous",
        {"result": "partly", "learned": "Vi trengte mer tid enn vi trodde"},
        "result",
    ),
    # The meeting and the summary: goals and actions, with JavaScript (htmx) and without.
    Case(
        "goal_add",
        "leader",
        "held",
        {
            "text": "Bli trygg i fagsystemet",
            "action_text": "Kurs i januar",
            "deadline": "31.01.2031",
            "responsible": "leader",
        },
        "text",
    ),
    Case(
        "goal_add",
        "leader",
        "held",
        {
            "text": "Bli trygg i fagsystemet",
            "action_text": "Kurs i januar",
            "deadline": "31.01.2031",
            "responsible": "leader",
        },
        "text",
        htmx=True,
    ),
    Case(
        "action_add",
        "employee",
        "held",
        {"action_text": "Meld meg på kurset", "deadline": "28.02.2031", "responsible": "both"},
        "action_text",
    ),
    Case(
        "action_add",
        "employee",
        "held",
        {"action_text": "Meld meg på kurset", "deadline": "28.02.2031", "responsible": "both"},
        "action_text",
        htmx=True,
    ),
    # The summary: the drafter's form by each of its buttons, the reviewer's, the signing.
    Case(
        "summary_submit",
        "employee",
        "held",
        {"text": "Vi snakket om kurs.", "conclusion": "actions", "shared_outside": "Kursbehov"},
        "conclusion",
    ),
    Case(
        "summary_submit",
        "employee",
        "held",
        {"text": "Vi snakket om kurs.", "conclusion": "actions", "shared_outside": "Kursbehov"},
        "text",
    ),
    Case(
        "summary_conclusion",
        "employee",
        "held",
        {"text": "Vi snakket om kurs.", "conclusion": "actions", "shared_outside": "Kursbehov"},
        "conclusion",
    ),
    Case("summary_send_back", "leader", "submitted", {"text": "Mer om kurset"}, "text"),
    Case("conversation_sign", "employee", "agreed", {"confirm": "1"}, "confirm"),
    Case(
        "feedback_give",
        "employee",
        "signed",
        {"rating": "4", "comment": "Fin samtale, god tid"},
        "rating",
    ),
    Case("summary_revise", "employee", "signed", {"reason": "Feil dato"}, "reason"),
    Case(
        "correction_withdraw",
        "employee",
        "correcting",
        {"withdraw-reason": "Ikke nødvendig likevel"},
        "withdraw-reason",
    ),
    Case(
        "correction_goals",
        "employee",
        "correcting",
        {
            "g0-text": "Bli trygg i fagsystemet",
            "g0-a0-text": "Kurs i mars",
            "g0-a0-deadline": "31.03.2031",
            "g0-a0-responsible": "leader",
        },
        "g0-text",
    ),
]

# Where a form without JavaScript goes back to, and the page it is shown on.
BACK = {
    "need_raise": "preparation",
    "goal_review": "preparation",
    "goal_add": "meeting",
    "action_add": "summary",
    "conversation_sign": "summary",
}


def _state(state: str, conversation, people) -> Conversation:
    """The conversation at the step where the form is used."""
    if state == "planned":
        return conversation
    c = steps.held(conversation, people)
    steps.with_goal(c, people)
    if state == "held":
        return steps.fresh(c)
    c = steps.submitted(c, people)
    if state == "submitted":
        return c
    summary.summary_approve(actor=people.leader, conversation=c)
    if state == "agreed":
        return steps.fresh(c)
    signing.conversation_sign(actor=people.employee, conversation=steps.fresh(c))
    signing.conversation_sign(actor=people.leader, conversation=steps.fresh(c))
    c = steps.fresh(c)
    if state == "signed":
        return c
    if state == "correcting":
        steps.correction(c, people, by=people.employee)
        return steps.fresh(c)
    # "previous": the signed one is the previous conversation of the next one, planned.
    return lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=c.guide_version,
        scheduled_at=timezone.now() + timedelta(days=30),
    )


def _url_and_page(case: Case, c: Conversation) -> tuple[str, str]:
    """Where the form is posted, and the page it is on."""
    if case.name == "conversation_create":
        return reverse("conversation_create"), reverse("conversation_create")
    if case.name in ("goal_review", "action_add"):
        goal = Goal.objects.filter(conversation__status="signed").first() or c.goals.first()
        assert goal is not None
        page = reverse(BACK[case.name], args=[c.pk])
        return reverse(case.name, args=[goal.pk]), page
    url = reverse(case.name, args=[c.pk])
    if case.name in BACK:
        return url, reverse(BACK[case.name], args=[c.pk])
    if case.name.startswith(("summary_s", "summary_c", "correction", "feedback")):
        return url, reverse("summary", args=[c.pk])
    return url, url


def _data(case: Case, c: Conversation, people) -> dict:
    values = {
        "employee": str(people.employee.pk),
        "leader": str(people.leader.pk),
        "guide": str(c.guide_version.guide_id),
    }
    data = {k: v.format(**values) for k, v in case.data.items()}
    if case.name == "need_raise":
        data["unit"] = str(units_for_need(c)[0].pk)
    if case.name in ("summary_submit", "summary_conclusion", "summary_send_back"):
        current = summary.summary_current(c)
        assert current is not None
        data["version"] = str(
            current.comment_version if case.name == "summary_send_back" else current.version
        )
    if case.name == "correction_goals":
        in_force = summary.summary_current(c)
        assert in_force is not None
        data["base"] = draft_version(in_force.agreed_goals)
        data["new-a-responsible"] = data["g0-new-responsible"] = "employee"
    data[case.missing] = ""
    return data


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=[f"{c.name}-without-{c.missing}{'-htmx' if c.htmx else ''}" for c in CASES],
)
def test_a_form_posted_with_a_field_left_out_comes_back_as_typed(
    case, client_for, people, conversation
):
    c = _state(case.state, conversation, people)
    url, page = _url_and_page(case, c)
    data = _data(case, c, people)
    client = client_for(case.role)
    headers = {"HX-Request": "true"} if case.htmx else {}
    if case.name in BACK and not case.htmx:
        data["next"] = page
    response = client.post(url, data, headers=headers)
    if response.status_code == 302:
        # Back to the page the form was on (without JavaScript), which shows it as it was.
        assert urlsplit(response["Location"]).path == page
        response = client.get(response["Location"])
    assert response.status_code in (200, 400)
    html = response.content.decode()
    controls = FormControls(url, page)
    controls.feed(html)

    for name, typed in data.items():
        if name in (case.missing, "next", "from", "version", "base", "unit") or not typed:
            continue
        if name.endswith("-responsible") and name != "g0-a0-responsible":
            continue
        named = controls.named(name)
        assert named, f"{case.name}: no field {name} on the page it came back to"
        assert _value(named) == typed, f"{case.name}: {name} is not as it was typed"

    missing = controls.named(case.missing)
    assert missing, f"{case.name}: no field {case.missing} on the page"
    for control in missing:
        attrs = control["attrs"]
        assert attrs.get("aria-invalid") == "true", f"{case.name}: {case.missing} not invalid"
        described = (attrs.get("aria-describedby") or control["fieldset"]).split()
        messages = [controls.texts.get(i, "").strip() for i in described]
        assert any(messages), f"{case.name}: {case.missing} is described by no message"


PAGES = (
    "conversation_detail",
    "preparation",
    "meeting",
    "summary",
    "conversation_schedule",
    "conversation_postpone",
    "conversation_cancel",
    "summary_revise",
)


@pytest.mark.parametrize("state", ["planned", "held", "submitted", "agreed", "correcting"])
def test_the_conversations_pages_use_each_id_once(state, client_for, people, conversation):
    c = _state(state, conversation, people)
    for role in ("employee", "leader"):
        client = client_for(role)
        for name in PAGES:
            response = client.get(reverse(name, args=[c.pk]))
            if response.status_code != 200:
                continue
            ids = Counter(re.findall(r'\sid="([^"]+)"', response.content.decode()))
            assert [i for i, n in ids.items() if n > 1] == [], f"{name} as {role} ({state})"


def test_the_summary_page_uses_each_id_once_after_a_refused_send(client_for, people, conversation):
    c = _state("held", conversation, people)
    response = client_for("employee").post(
        reverse("summary_submit", args=[c.pk]), {"text": "", "version": 0}
    )
    ids = Counter(re.findall(r'\sid="([^"]+)"', response.content.decode()))
    assert [i for i, n in ids.items() if n > 1] == []
