"""The user guide (docs/using/) served by the app itself, in the reader's language, and the
*Hjelp* link every page carries to the section about it.

The guide is Markdown in the repository: English in docs/using/, bokmål in docs/using/nb/
and nynorsk in docs/using/nn/, with the same file names and the same heading ids in all
three (`## Forbered deg { #prepare }`), so one map from a page's URL name to (page, anchor)
serves every language. MkDocs builds the same files into the documentation site; here
each page is rendered once per language (and again only when its file changes): links
between the guide's pages become the app's /hjelp/ addresses, pictures (docs/images/)
static files, and a link to a page outside the guide (the operators' and developers'
pages, which the app does not serve) plain text.

The HTML comes from files in this repository, reviewed as templates are, never from what
anyone types: that is why it is marked safe here (Page.html), which no user's text
ever is. And even so the guide is Markdown only: raw HTML in a page (a `<script>`, an
`<img onerror=…>`) is shown as text, not passed through, so a careless edit of a page can
not put markup or script into the app.
"""

import posixpath
from dataclasses import dataclass
from functools import cache, lru_cache
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

import markdown
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from samtale.core import access

GUIDE = Path(settings.BASE_DIR) / "docs" / "using"
IMAGES = Path(settings.BASE_DIR) / "docs" / "images"
# Where each language's pages are; a language the guide is not written in reads bokmål.
FOLDERS = {"nb": GUIDE / "nb", "nn": GUIDE / "nn", "en": GUIDE}
FALLBACK = "nb"
# The guide's pages, in the order its contents list them (the file names, without .md).
PAGES = (
    "index",
    "employee",
    "leader",
    "hr",
    "archive-staff",
    "administrator",
    "conversation",
    "follow-up",
    "rounds",
    "insight",
    "insight-figures",
    "privacy",
)
# The pictures' folder as the static files know it (config/settings/base.py, STATICFILES_DIRS).
STATIC_PREFIX = "guide"
HEADING_SIZES = {"h1": "lg", "h2": "md", "h3": "sm", "h4": "xs"}

# Each page's section in the guide, by its URL name. A page not here gets the start of the
# guide for the reader's role (start_page); an anchor of None is the top of the page.
SECTIONS: dict[str, tuple[str, str | None]] = {
    # Signing in, and the pages about the account.
    "login": ("index", "sign-in"),
    "account_login": ("index", "sign-in"),
    "password_reset": ("index", "sign-in"),
    "password_reset_done": ("index", "sign-in"),
    "password_reset_confirm": ("index", "sign-in"),
    "password_reset_complete": ("index", "sign-in"),
    "password_reset_old_address": ("index", "sign-in"),
    "account_reauthenticate": ("index", "sign-in"),
    "accessibility_statement": ("index", "language"),
    "profile": ("employee", "profile"),
    "password_change": ("employee", "profile"),
    "calendar_own": ("employee", "profile"),
    "api_tokens": ("employee", "profile"),
    "mfa_index": ("employee", "profile"),
    "mfa_activate_totp": ("employee", "profile"),
    "mfa_view_recovery_codes": ("employee", "profile"),
    "mfa_list_webauthn": ("employee", "profile"),
    "mfa_add_webauthn": ("employee", "profile"),
    "my_reads": ("employee", "reads"),
    # A conversation, step by step.
    "conversation_list": ("conversation", None),
    "conversation_detail": ("conversation", "overview"),
    "preparation": ("conversation", "prepare"),
    "preparation_share": ("conversation", "prepare"),
    "meeting": ("conversation", "meeting"),
    "meeting_close": ("conversation", "meeting"),
    "summary": ("conversation", "summary"),
    "summary_submit": ("conversation", "summary"),
    "summary_comment_send": ("conversation", "summary"),
    "summary_send_back": ("conversation", "summary"),
    "summary_approve": ("conversation", "summary"),
    "conversation_sign": ("conversation", "sign"),
    "summary_revise": ("conversation", "correction"),
    "summary_revisions": ("conversation", "correction"),
    "feedback_give": ("conversation", "after"),
    # The leader plans.
    "conversation_create": ("leader", "plan"),
    "conversation_schedule": ("leader", "plan"),
    "conversation_invite": ("leader", "plan"),
    "conversation_postpone": ("leader", "plan"),
    "conversation_cancel": ("leader", "plan"),
    "conversation_move_to_proposal": ("leader", "answers"),
    # Another time, asked for in the app (the employee's page; the leader answers there).
    "time_propose": ("employee", "other-time"),
    "time_proposal_accept": ("leader", "answers"),
    # The unit's goals.
    "priority_list": ("leader", "goals"),
    "priority_edit": ("leader", "goals"),
    # Follow-up.
    "my_actions": ("follow-up", "my-actions"),
    "action_detail": ("follow-up", "action"),
    "action_update": ("follow-up", "action"),
    "action_competence": ("follow-up", "action"),
    "action_remind": ("follow-up", "action"),
    "action_deadline": ("follow-up", "action"),
    "action_drop": ("follow-up", "action"),
    "goal_review": ("follow-up", "results"),
    "follow_up": ("follow-up", "overview"),
    "follow_up_person": ("follow-up", "overview"),
    "follow_up_goals": ("leader", "goals"),
    "follow_up_pitfall": ("follow-up", "overdue"),
    "follow_up_handover": ("follow-up", "a-new-line-manager"),
    "shared_summary": ("follow-up", "a-new-line-manager"),
    # Rounds.
    "round_list": ("rounds", "create"),
    "round_create": ("rounds", "create"),
    "round_detail": ("rounds", "progress"),
    "round_progress": ("rounds", "progress"),
    "round_edit": ("rounds", "create"),
    "round_close": ("rounds", "close"),
    "round_coverage": ("rounds", "missing"),
    "round_share": ("rounds", "share"),
    "participant_add": ("rounds", "share"),
    "participant_remove": ("rounds", "share"),
    "participant_holder": ("rounds", "share"),
    "round_schedule": ("rounds", "schedule"),
    # HR.
    "pitfall_list": ("hr", "pitfalls"),
    "shared_conclusions": ("hr", "shared"),
    "audit_search": ("hr", "audit"),
    # Insight and shared needs.
    "status_analysis": ("insight", "status"),
    "likert_results": ("insight", "answers"),
    "rating_fairness": ("insight", "rating-habits"),
    "leadership_feedback": ("insight", "leadership"),
    "need_list": ("insight", "needs"),
    "need_detail": ("insight", "needs"),
    "competence_plan": ("insight", "competence-plan"),
    # The personnel file.
    "archive_queue": ("archive-staff", "queue"),
    "archive_confirm": ("archive-staff", "register"),
    "archive_confirm_undo": ("archive-staff", "register"),
    "archive_retry": ("archive-staff", "queue"),
    # The administrator.
    "person_list": ("administrator", "people"),
    "person_create": ("administrator", "people"),
    "person_detail": ("administrator", "people"),
    "person_edit": ("administrator", "people"),
    "unit_list": ("administrator", "people"),
    "unit_create": ("administrator", "people"),
    "unit_edit": ("administrator", "people"),
    "calendar_person": ("administrator", "people"),
    "role_changes": ("administrator", "roles"),
    "email_change_release": ("administrator", "roles"),
    "held_deactivations": ("administrator", "deactivations"),
    "import_start": ("administrator", "import"),
    "import_detail": ("administrator", "import"),
    "import_apply": ("administrator", "import"),
    "import_undo": ("administrator", "import"),
    "guide_list": ("administrator", "templates"),
    "guide_create": ("administrator", "templates"),
    "guide_detail": ("administrator", "templates"),
    "guide_edit": ("administrator", "templates"),
    "guide_copy": ("administrator", "templates"),
    "api_service_tokens": ("administrator", "api-keys"),
    # Privacy.
    "retention_overview": ("privacy", "retention"),
    "legal_hold_set": ("privacy", "legal-hold"),
    "legal_hold_release": ("privacy", "legal-hold"),
    "privacy_export_for": ("privacy", "copy-on-request"),
    "privacy_copy_link": ("privacy", "copy-on-request"),
    "privacy_copy_download": ("privacy", "your-data"),
}


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    # Safe to put in a page as it is: made here, from the repository's Markdown, with any raw
    # HTML in it escaped (_AppLinks); no user's text reaches it.
    html: SafeString
    # Every heading's id, and those of the sections (the headings below the title): the
    # anchors a Hjelp link may name, the same in every language.
    ids: frozenset[str]
    sections: frozenset[str]


def language_of(code: str | None) -> str:
    """The guide's language for Django's active language: nb, nn or en (bokmål otherwise)."""
    code = (code or "").lower()
    for language in FOLDERS:
        if code == language or code.startswith(f"{language}-"):
            return language
    return FALLBACK


def source_of(*, language: str, slug: str) -> Path:
    return FOLDERS[language] / f"{slug}.md"


def page_render(*, language: str, slug: str) -> Page:
    """The page in the language, rendered once and again only when its file has changed."""
    path = source_of(language=language, slug=slug)
    return _rendered(language, slug, path.stat().st_mtime_ns)


def contents(*, language: str) -> list[Page]:
    """Every page of the guide in the language, in order (for the guide's own menu)."""
    return [page_render(language=language, slug=slug) for slug in PAGES]


@cache
def page_url(slug: str) -> str:
    return reverse("help") if slug == "index" else reverse("help_page", args=[slug])


def start_page(user) -> str:
    """The page a person starts from: the one about their role (index before signing in)."""
    roles = access.roles_for(user)
    if roles.person_id is None:
        return "index"
    if roles.is_archivist:
        return "archive-staff"
    if roles.is_hr:
        return "hr"
    if roles.is_union_rep:
        return "insight"
    if roles.is_admin:
        return "administrator"
    if roles.is_leader:
        return "leader"
    return "employee"


def help_url(request) -> str:
    """Where the *Hjelp* link of the page being answered goes: its section, or the start of
    the guide for the person's role."""
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match is not None and not match.namespace else None
    section = SECTIONS.get(name) if name else None
    slug, anchor = section if section is not None else (None, None)
    if slug is None:
        slug = start_page(getattr(request, "user", None))
    return page_url(slug) + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=len(PAGES) * len(FOLDERS) * 2)
def _rendered(language: str, slug: str, _mtime_ns: int) -> Page:
    path = source_of(language=language, slug=slug)
    converter = markdown.Markdown(
        extensions=["tables", "attr_list", "fenced_code", "toc", _AppLinks(source=path)],
        output_format="html",
    )
    html = converter.convert(path.read_text(encoding="utf-8"))
    headings = list(_headings(converter.toc_tokens))
    title = next((unescape(h["name"]) for h in headings if h["level"] == 1), slug)
    return Page(
        slug=slug,
        title=title,
        html=mark_safe(html),  # noqa: S308 - see Page.html
        ids=frozenset(h["id"] for h in headings),
        sections=frozenset(h["id"] for h in headings if h["level"] > 1),
    )


def _headings(tokens):
    for token in tokens:
        yield token
        yield from _headings(token["children"])


def _target(source: Path, href: str) -> tuple[str, str] | None:
    """(page, fragment) of a relative link to a page of the guide, in any of its languages."""
    path, _hash, fragment = href.partition("#")
    target = Path(posixpath.normpath((source.parent / path).as_posix()))
    if target.suffix != ".md" or target.parent not in FOLDERS.values():
        return None
    if target.stem not in PAGES:
        return None
    return target.stem, fragment


class _Rewrite(Treeprocessor):
    """Links and pictures to the app's addresses; tables and headings in Designsystemet's
    classes (templates/DESIGN.md)."""

    def __init__(self, md, source: Path) -> None:
        super().__init__(md)
        self.source = source

    def run(self, root) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter()):
            if element.tag == "a":
                self._link(element)
            elif element.tag == "img":
                self._picture(element)
            elif element.tag == "table":
                self._table(element, parents[element])
            elif element.tag in HEADING_SIZES:
                element.set("class", "ds-heading")
                element.set("data-size", HEADING_SIZES[element.tag])

    def _link(self, element) -> None:
        href = element.get("href", "")
        if href.startswith(("#", "https://", "http://", "mailto:")):
            element.set("class", "ds-link")
            return
        target = _target(self.source, href)
        if target is None:
            # A page the app does not serve (operators', developers'): its words stay.
            element.tag = "span"
            element.attrib.clear()
            return
        slug, fragment = target
        element.set("href", page_url(slug) + (f"#{fragment}" if fragment else ""))
        element.set("class", "ds-link")

    def _picture(self, element) -> None:
        src = element.get("src", "")
        path = Path(posixpath.normpath((self.source.parent / src).as_posix()))
        if path.parent == IMAGES:
            element.set("src", static(f"{STATIC_PREFIX}/{path.name}"))
        element.set("loading", "lazy")

    def _table(self, element, parent) -> None:
        element.set("class", "ds-table")
        element.set("data-border", "")
        wrap = ElementTree.Element("div", {"class": "table-wrap"})
        index = list(parent).index(element)
        parent.remove(element)
        wrap.tail, element.tail = element.tail, None
        wrap.append(element)
        parent.insert(index, wrap)


class _AppLinks(Extension):
    def __init__(self, *, source: Path) -> None:
        super().__init__()
        self.source = source

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        # Raw HTML, as a block or inline, stays text: the serializer escapes it.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After attr_list (8) and before toc (5), so explicit ids stay as written.
        md.treeprocessors.register(_Rewrite(md, self.source), "samtale_app_links", 6)
