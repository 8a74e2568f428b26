"""Preparation: notes per theme (autosaved, each private until its author shares it),
Likert answers, the leader's private checklist."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samtale.conversations import policy, selectors
from samtale.conversations.autosave import autosave_response
from samtale.conversations.forms import ChecklistForm, LikertForm, TextForm
from samtale.conversations.guidance import LEADER_QUESTIONS
from samtale.conversations.sections import previous_context
from samtale.conversations.services import preparation as services
from samtale.core.errors import DomainError
from samtale.core.http import guarded, redirect_back
from samtale.guides.likert import SCALE
from samtale.guides.models import localized
from samtale.priorities import selectors as priorities_selectors
from samtale.tenancy import tenant_settings


@guarded()
@require_GET
def preparation(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    reader = policy.access_to(request.user, conversation)
    party = reader.party
    sharing, preparations = selectors.preparations_and_sharing(conversation=conversation)
    mine = preparations.get(request.user.pk)
    answers_visible = reader.may_see_likert_answers
    themes = selectors.agenda(
        conversation=conversation,
        viewer=request.user,
        notes=reader.notes,
        answers_visible=answers_visible,
    )
    context = {
        **sharing_context(conversation, request.user),
        **index_context(themes, party=party, answers_visible=answers_visible),
        "preparation": mine,
        "themes": themes,
        "answers_visible": answers_visible,
        # Answers that can be shared: not those about the leader, which are never shared.
        "has_statements": bool(
            {s["key"] for s in conversation.guide_version.statements()}
            - conversation.guide_version.leadership_keys()
        ),
        "min_group": tenant_settings.SAMTALE_MIN_GROUP,  # the settings refuse fewer than 3
        "likert_labels": SCALE,
        "leader_questions": list(enumerate(LEADER_QUESTIONS)) if party == "leader" else [],
        "checked": set(mine.checklist) if mine else set(),
        "my_sharing": sharing[party],
        "other_sharing": sharing["leader" if party == "employee" else "employee"],
        "unit_goals": priorities_selectors.for_conversation(conversation),
        **previous_context(conversation, request.user),
    }
    return render(request, "conversations/preparation.html", context)


def index_context(
    themes: list[selectors.ThemeView], *, party: str | None, answers_visible: bool
) -> dict:
    """The index at the top of the preparation page, for a phone as much as for a desk: each
    theme with whether the viewer's saved note has text and is shared, how many of the themes
    they write in are written (and, for the employee, how many the leader fills in: together
    the template's themes), how many statements they have answered, and where the statements
    start.

    Counted from what is saved (the agenda), not from what is being typed. The employee
    answers the statements; the leader only reads the answers the employee has shared, so the
    leader has no statements to count, only a place to read them if shared."""
    index = []
    for theme in themes:
        writes = not (theme.leader_only and party == "employee")
        written = bool(theme.my_note and theme.my_note.text.strip())
        shared = bool(theme.my_note and theme.my_note.shared_at)
        index.append({"theme": theme, "writes": writes, "written": written, "shared": shared})
    if party == "employee":
        statements = [s for theme in themes for s in theme.statements]
        shown = [theme for theme in themes if theme.statements]
    else:
        statements = []
        shown = [t for t in themes if t.statements and answers_visible and not t.about_leader]
    return {
        "index": index,
        "themes_total": sum(1 for item in index if item["writes"]),
        "themes_written": sum(1 for item in index if item["writes"] and item["written"]),
        "themes_leader": sum(1 for item in index if not item["writes"]),
        "statements_total": len(statements),
        "statements_answered": sum(1 for s in statements if s["value"] is not None),
        # The theme whose statements carry the page's one id="svar", where the index's link
        # and the answer's redirect without JavaScript lead.
        "statements_theme": shown[0].key if shown else None,
    }


def _index_of(conversation, user) -> dict:
    """The index as the page shows it to `user`: for the answers to a note saved, shared or
    taken back and to a statement answered, which update it in place."""
    reader = policy.access_to(user, conversation)
    answers_visible = reader.may_see_likert_answers
    themes = selectors.agenda(
        conversation=conversation, viewer=user, notes=reader.notes, answers_visible=answers_visible
    )
    return {
        **index_context(themes, party=reader.party, answers_visible=answers_visible),
        "themes": themes,
    }


def sharing_context(conversation, user) -> dict:
    """What the sharing controls of the preparation page need, for the page and its fragments."""
    party = conversation.party(user)
    return {
        "conversation": conversation,
        "party": party,
        "other": conversation.leader if party == "employee" else conversation.employee,
        "may_unshare": conversation.status in services.UNSHARE_STATUSES,
    }


@guarded()
@require_POST
def note_save(request, pk, theme_key):
    conversation = policy.get_conversation_for(request.user, pk)
    form = TextForm(request.POST)
    fallback = reverse("preparation", args=[pk]) + f"#tema-{theme_key}"
    if not form.is_valid():
        return autosave_response(
            request,
            saved=None,
            error=DomainError(_("The text could not be read.")),
            fallback=fallback,
        )
    try:
        note = services.note_save(
            actor=request.user,
            conversation=conversation,
            theme_key=theme_key,
            text=form.cleaned_data["text"],
            base_version=form.cleaned_data["version"],
        )
    except DomainError as e:
        return autosave_response(request, saved=None, error=e, fallback=fallback)
    return autosave_response(
        request,
        saved=note.version,
        error=None,
        fallback=fallback,
        swap=lambda: _index_swap(request, conversation, theme_key),
    )


def _index_swap(request, conversation, theme_key: str) -> dict[str, str]:
    """The index's count and the saved theme's line, for the autosave script to put in place
    (by element id, as htmx's out-of-band swap does for the sharing buttons)."""
    context = sharing_context(conversation, request.user) | _index_of(conversation, request.user)
    swap: dict[str, str] = {
        "index-progress": render_to_string(
            "conversations/preparation.html#index-progress", context, request
        )
    }
    for item in context["index"]:
        if item["theme"].key == theme_key:
            swap[f"index-{theme_key}"] = render_to_string(
                "conversations/preparation.html#index-item", context | {"item": item}, request
            )
    return swap


def _note_sharing(request, pk, theme_key, *, share: bool):
    """Share or take back one note. htmx gets the note's sharing control and its new state;
    a plain form post a message and the page again, at the note."""
    conversation = policy.get_conversation_for(request.user, pk)
    service = services.note_share if share else services.note_unshare
    error = None
    try:
        service(actor=request.user, conversation=conversation, theme_key=theme_key)
    except DomainError as e:
        error = e.message
    context = sharing_context(conversation, request.user)
    # Taken back from the index at the top of the page: the answer leads back there.
    from_index = request.POST.get("from") == "index"
    if request.htmx:
        context |= _index_of(conversation, request.user)
        theme = next((t for t in context["themes"] if t.key == theme_key), None)
        if theme is None:
            # htmx swaps only 2xx answers; the message itself says what went wrong.
            return render(request, "conversations/_saved.html", {"message": error, "alone": True})
        context |= {"theme": theme, "sharing_error": error, "focus_index": from_index}
        return render(request, "conversations/preparation.html#note-sharing-response", context)
    if error is not None:
        messages.error(request, error)
    elif share:
        messages.success(
            request, _("%(name)s can read this note now.") % {"name": context["other"].full_name}
        )
    else:
        messages.success(request, _("Only you can read this note now."))
    anchor = "#index-heading" if from_index else f"#tema-{theme_key}"
    return redirect(reverse("preparation", args=[pk]) + anchor)


@guarded()
@require_POST
def note_share(request, pk, theme_key):
    return _note_sharing(request, pk, theme_key, share=True)


@guarded()
@require_POST
def note_unshare(request, pk, theme_key):
    return _note_sharing(request, pk, theme_key, share=False)


@guarded()
@require_http_methods(["GET", "POST"])
def preparation_share(request, pk):
    """Share all: the page lists what would be shared now; confirming shares what it listed
    (the notes named in the form, and the answers if they were listed), nothing written since."""
    conversation = policy.get_conversation_for(request.user, pk)
    context = sharing_context(conversation, request.user)
    if request.method == "POST":
        answers = bool(request.POST.get("answers")) and selectors.answers_shareable(
            conversation=conversation, author=request.user
        )
        try:
            shared = services.preparation_share_all(
                actor=request.user,
                conversation=conversation,
                theme_keys=request.POST.getlist("theme"),
                answers=answers,
            )
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _shared_message(context["other"], len(shared), answers))
        return redirect("preparation", pk=conversation.pk)
    titles = {t["key"]: localized(t.get("title")) for t in conversation.guide_version.themes}
    keys = list(titles)
    notes = sorted(
        selectors.shareable_notes(conversation=conversation, author=request.user),
        key=lambda note: keys.index(note.theme_key) if note.theme_key in keys else len(keys),
    )
    context |= {
        "notes": [{"key": n.theme_key, "title": titles.get(n.theme_key), "note": n} for n in notes],
        "answers": selectors.answers_shareable(conversation=conversation, author=request.user),
    }
    return render(request, "conversations/share_all.html", context)


def _shared_message(other, count: int, answers: bool) -> str:
    values = {"name": other.full_name, "count": count}
    if not count:
        return _("Shared with %(name)s: your answers to the statements.") % values
    if answers:
        return (
            ngettext(
                "Shared with %(name)s: %(count)d note and your answers to the statements.",
                "Shared with %(name)s: %(count)d notes and your answers to the statements.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "Shared with %(name)s: %(count)d note.", "Shared with %(name)s: %(count)d notes.", count
        )
        % values
    )


def _answers_sharing(request, pk, *, share: bool):
    conversation = policy.get_conversation_for(request.user, pk)
    service = services.answers_share if share else services.answers_unshare
    try:
        service(actor=request.user, conversation=conversation)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        if share:
            messages.success(
                request,
                _("%(name)s can read your answers now.") % {"name": conversation.leader.full_name},
            )
        else:
            messages.success(request, _("Only you can read your answers now."))
    return redirect(reverse("preparation", args=[pk]) + "#answers-sharing")


@guarded()
@require_POST
def answers_share(request, pk):
    return _answers_sharing(request, pk, share=True)


@guarded()
@require_POST
def answers_unshare(request, pk):
    return _answers_sharing(request, pk, share=False)


@guarded()
@require_POST
def likert_save(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    form = LikertForm(request.POST)
    status = 200
    if not form.is_valid():
        message, status = _("Choose a value from 1 to 5."), 400
    else:
        try:
            services.likert_answer(
                actor=request.user,
                conversation=conversation,
                statement_key=form.cleaned_data["statement"],
                value=form.cleaned_data["value"],
            )
            message = _("Saved.")
        except DomainError as e:
            message, status = e.message, 400
    if request.htmx:
        # htmx swaps only 2xx answers; the message itself says what went wrong. With the
        # index's count of answers, out of band.
        context = sharing_context(conversation, request.user) | _index_of(
            conversation, request.user
        )
        return render(
            request, "conversations/preparation.html#likert-saved", context | {"message": message}
        )
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect(reverse("preparation", args=[pk]) + "#svar")


@guarded()
@require_POST
def leader_checklist(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    form = ChecklistForm(request.POST)
    status = 200
    try:
        if not form.is_valid():
            raise DomainError(_("Unknown question."))
        services.leader_checklist_set(
            actor=request.user, conversation=conversation, done=form.cleaned_data["done"]
        )
        message = _("Saved.")
    except DomainError as e:
        message, status = e.message, 400
    if request.htmx:
        # htmx swaps only 2xx answers; the message itself says what went wrong.
        return render(request, "conversations/_saved.html", {"message": message})
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect_back(request, reverse("preparation", args=[pk]))
