"""Changes to conversation templates. Each service runs in one transaction, is
for HR and administrators only, checks the rules, raises DomainError with a
message for the user, and audits.

Forms hand over plain texts in the writer's language; the services store them
as {language: text}. A text the writer left unchanged keeps every language it
had, so editing one theme of a built-in does not lose the nynorsk and English
of the others; a changed text holds only the writer's language until someone
translates it (readers of other languages see it through `localized`).

A version that a conversation uses is frozen: saving makes the next version.
"""

import hashlib
from copy import deepcopy
from typing import Any, NotRequired, TypedDict, Unpack, cast

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.guides import selectors
from samtale.guides.models import Guide, GuideVersion, localized
from samtale.guides.policy import may_manage_guides

MIN_MINUTES = 10
MAX_MINUTES = 240
COPY_PREFIX = {"nb": "Kopi av ", "nn": "Kopi av ", "en": "Copy of "}


class GuideFields(TypedDict):
    """A template's content as a form gives it, in the writer's language: the one list of
    what guide_create and guide_update take, _check checks and _version_content stores."""

    name: str
    description: NotRequired[str]
    kind: NotRequired[str]
    summary_author: NotRequired[str]
    duration_minutes: NotRequired[int]
    themes: list[dict[str, Any]]


# What a new template has where guide_create is not told.
NEW_GUIDE: dict[str, str | int] = {
    "description": "",
    "kind": GuideVersion.Kind.ANNUAL,
    "summary_author": GuideVersion.SummaryAuthor.EMPLOYEE,
    "duration_minutes": 90,
}


def _filled(content: GuideFields, defaults: dict[str, Any]) -> GuideFields:
    """`content` with `defaults` where it says nothing; a name GuideFields does not have is
    refused, as a keyword the function did not take would be."""
    unknown = sorted(set(content) - set(GuideFields.__annotations__))
    if unknown:
        raise TypeError(f"A template has no field {', '.join(unknown)}.")
    return cast(GuideFields, {**defaults, **content})


def _language() -> str:
    """The writer's language: the texts of a form are stored under this code."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _text(value: str, previous: dict[str, Any] | None, language: str) -> dict[str, Any]:
    """{language: value}, or the previous texts in every language when the value is unchanged."""
    value = (value or "").strip()
    if not value:
        return {}
    if previous and localized(previous, language) == value:
        return previous
    return {language: value}


def _statement_key(text: str, taken: set[str]) -> str:
    base = "s-" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _theme_key(title: str, taken: set[str]) -> str:
    base = slugify(title)[:40].strip("-") or "tema"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _build_themes(
    *, themes: list[dict[str, Any]], previous: list[GuideVersion], language: str
) -> list[dict[str, Any]]:
    """The stored form of the themes a form gave, keeping keys and translations that still fit.

    `previous` are the guide's earlier versions, newest first: an existing theme keeps
    its key (so notes stay attached), a statement whose text is unchanged keeps its key
    (so answers stay comparable), and unchanged texts keep their translations.
    """
    old_themes = {t["key"]: t for t in previous[0].themes} if previous else {}
    old_prompts, old_statements = _earlier_texts(previous, language)
    theme_keys: set[str] = {t["key"] for t in themes if t.get("key") in old_themes}
    statement_keys: set[str] = set()
    built: list[dict[str, Any]] = []
    for theme in themes:
        old = old_themes.get(theme.get("key") or "")
        if old is not None and old["key"] in {t["key"] for t in built}:
            old = None  # the same key twice: the second is a new theme
        if old is not None:
            key = old["key"]
        else:
            key = _theme_key(theme.get("title", ""), theme_keys)
            theme_keys.add(key)
        statements = [
            _build_statement(statement, old_statements, statement_keys, language)
            for statement in theme.get("statements", [])
        ]
        built.append(
            {
                "key": key,
                "title": _text(theme.get("title", ""), old and old["title"], language),
                "help": _text(theme.get("help", ""), old and old.get("help"), language),
                "prompts": [
                    _text(p, old_prompts.get(p.strip()), language)
                    for p in theme.get("prompts", [])
                    if p.strip()
                ],
                "statements": statements,
                "goals": bool(theme.get("goals")),
                "leader_only": bool(theme.get("leader_only")),
                "about_leader": bool(theme.get("about_leader")),
            }
        )
    return built


def _earlier_texts(
    previous: list[GuideVersion], language: str
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The prompts and statements of the earlier versions, by their text in `language`:
    the newest version's where several have the same text."""
    old_prompts: dict[str, dict[str, Any]] = {}
    old_statements: dict[str, dict[str, Any]] = {}
    for version in reversed(previous):  # the newest wins
        for theme in version.themes:
            for prompt in theme.get("prompts", []):
                old_prompts[localized(prompt, language)] = prompt
            for statement in theme.get("statements", []):
                old_statements[localized(statement["text"], language)] = statement
    return old_prompts, old_statements


def _build_statement(
    statement: dict[str, Any],
    old_statements: dict[str, dict[str, Any]],
    taken: set[str],
    language: str,
) -> dict[str, Any]:
    """The stored form of a statement: an unchanged text keeps its key and translations
    (once: a second statement with the same text is a new one). Adds its key to `taken`."""
    text = (statement.get("text") or "").strip()
    found = old_statements.get(text)
    if found is not None and found["key"] not in taken:
        stored = {
            "key": found["key"],
            "group": _text(statement.get("group", ""), found.get("group"), language),
            "text": found["text"],
        }
    else:
        stored = {
            "key": _statement_key(text, taken),
            "group": _text(statement.get("group", ""), None, language),
            "text": _text(text, None, language),
        }
    taken.add(stored["key"])
    return stored


def _check(content: GuideFields) -> None:
    name, themes = content["name"], content["themes"]
    kind, summary_author = content.get("kind"), content.get("summary_author")
    duration_minutes = content.get("duration_minutes")
    if not (name or "").strip():
        raise DomainError(_("Give the template a name."), field="name")
    if kind not in GuideVersion.Kind.values:
        raise DomainError(_("Choose a kind of conversation."), field="kind")
    if summary_author not in GuideVersion.SummaryAuthor.values:
        raise DomainError(_("Choose who writes the summary."), field="summary_author")
    if not isinstance(duration_minutes, int) or not (
        MIN_MINUTES <= duration_minutes <= MAX_MINUTES
    ):
        raise DomainError(
            _("The length must be between %(min)d and %(max)d minutes.")
            % {"min": MIN_MINUTES, "max": MAX_MINUTES},
            field="duration_minutes",
        )
    if not themes:
        raise DomainError(_("Add at least one theme."), field="themes")
    goals_seen = False
    statements_seen: set[str] = set()
    for i, theme in enumerate(themes):
        if not (theme.get("title") or "").strip():
            raise DomainError(_("Give every theme a title."), field=f"themes.{i}.title")
        if theme.get("goals"):
            if goals_seen:
                raise DomainError(
                    _("Only one theme can hold the goals and actions."), field=f"themes.{i}.goals"
                )
            goals_seen = True
        if theme.get("about_leader") and not theme.get("statements"):
            raise DomainError(
                _("A theme about the leader needs statements for the employee to answer."),
                field=f"themes.{i}.statements",
            )
        for statement in theme.get("statements", []):
            text = (statement.get("text") or "").strip()
            if not text:
                raise DomainError(_("A statement cannot be empty."), field=f"themes.{i}.statements")
            if text in statements_seen:
                raise DomainError(
                    _("The statement “%(text)s” appears twice.") % {"text": text},
                    field=f"themes.{i}.statements",
                )
            statements_seen.add(text)


def _version_content(content: GuideFields, *, previous: list[GuideVersion]) -> dict[str, Any]:
    language = _language()
    current = previous[0] if previous else None
    return {
        "name": _text(content["name"], current.name if current else None, language),
        "description": _text(
            content.get("description", ""), current.description if current else None, language
        ),
        "kind": content.get("kind"),
        "summary_author": content.get("summary_author"),
        "duration_minutes": content.get("duration_minutes"),
        "themes": _build_themes(themes=content["themes"], previous=previous, language=language),
    }


@transaction.atomic
def guide_create(*, actor: Any, **content: Unpack[GuideFields]) -> Guide:
    """A new template with its version 1, written in the actor's language; what `content`
    leaves out is NEW_GUIDE's.

    `themes` are plain texts as a form gives them: {"key", "title", "help",
    "prompts": [str], "statements": [{"group": str, "text": str}], "goals", "leader_only", "about_leader"}.
    """
    require(may_manage_guides(actor))
    content = _filled(content, NEW_GUIDE)
    _check(content)
    guide = Guide.objects.create(created_by=actor)
    version = _version_content(content, previous=[])
    GuideVersion.objects.create(guide=guide, number=1, created_by=actor, **version)
    audit_log(actor=actor, action="guide.create", obj=guide, version=1)
    return guide


@transaction.atomic
def guide_copy(*, actor: Any, guide: Guide) -> Guide:
    """A new template whose version 1 is the guide's current version, named "Kopi av …".

    Keys of themes and statements are kept, so Likert answers stay comparable with
    the original's.
    """
    require(may_manage_guides(actor))
    source = selectors.current_version(guide)
    assert source is not None  # a guide has a version from its creation on
    copy = Guide.objects.create(created_by=actor)
    GuideVersion.objects.create(
        guide=copy,
        number=1,
        created_by=actor,
        name={
            language: COPY_PREFIX.get(language, COPY_PREFIX[settings.LANGUAGE_CODE]) + text
            for language, text in source.name.items()
            if text
        },
        description=deepcopy(source.description),
        kind=source.kind,
        summary_author=source.summary_author,
        duration_minutes=source.duration_minutes,
        themes=deepcopy(source.themes),
    )
    audit_log(
        actor=actor, action="guide.copy", obj=copy, source=guide.pk, source_version=source.number
    )
    return copy


@transaction.atomic
def guide_update(*, actor: Any, guide: Guide, **content: Unpack[GuideFields]) -> GuideVersion:
    """Save the template's content; returns its current version afterwards. What `content`
    leaves out stays as the current version has it, but the description, which a form sends
    empty when it is emptied: left out, it is empty.

    When a conversation uses the current version, the change becomes the next
    version and the used one stays as it was; otherwise the current version is
    edited in place. Saving unchanged content changes nothing.
    """
    require(may_manage_guides(actor))
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    previous = list(guide.versions.order_by("-number"))
    current = previous[0]
    kept = {name: getattr(current, name) for name in ("kind", "summary_author", "duration_minutes")}
    content = _filled(content, {"description": "", **kept})
    _check(content)
    version = _version_content(content, previous=previous)
    changed = sorted(k for k, v in version.items() if getattr(current, k) != v)
    if not changed:
        return current
    if selectors.version_in_use(current):
        number = (guide.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        made = GuideVersion.objects.create(guide=guide, number=number, created_by=actor, **version)
        audit_log(actor=actor, action="guide.version", obj=guide, version=number, fields=changed)
        return made
    for field, value in version.items():
        setattr(current, field, value)
    current.save(update_fields=list(version))
    audit_log(actor=actor, action="guide.update", obj=guide, version=current.number, fields=changed)
    return current


@transaction.atomic
def guide_retire(*, actor: Any, guide: Guide) -> Guide:
    """Take a template out of planning; conversations that use it keep it."""
    require(may_manage_guides(actor))
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if guide.retired_at is not None:
        raise DomainError(_("The template is already retired."))
    guide.retired_at = timezone.now()
    guide.save(update_fields=["retired_at"])
    audit_log(actor=actor, action="guide.retire", obj=guide)
    return guide


@transaction.atomic
def guide_restore(*, actor: Any, guide: Guide) -> Guide:
    """Make a retired template available for planning again."""
    require(may_manage_guides(actor))
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if guide.retired_at is None:
        raise DomainError(_("The template is not retired."))
    guide.retired_at = None
    guide.save(update_fields=["retired_at"])
    audit_log(actor=actor, action="guide.restore", obj=guide)
    return guide
