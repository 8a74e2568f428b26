"""Who may set legal holds, read retention runs, ask for a person's copy of their data; and what a person reads about their own data.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

import copy

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from samtale.actions.policy import actions_visible_to, goals_visible_to
from samtale.archive.models import SignedForm
from samtale.conversations.policy import conversations_visible_to
from samtale.core.access import own, roles_for
from samtale.core.models import AuditEntry
from samtale.org.models import Person
from samtale.privacy import links
from samtale.privacy.models import AccessCopy, LegalHold, RetentionRun

# Privacy: legal holds, retention and each person's copy of their data ----------------------


def may_set_legal_hold(user) -> bool:
    """Put a person's conversations on legal hold (kept from deletion), and release it: HR."""
    return roles_for(user).is_hr


def legal_holds_visible_to(user) -> QuerySet[LegalHold]:
    """Every legal hold, active and released, with why: HR, who sets them."""
    if not may_set_legal_hold(user):
        return LegalHold.objects.none()
    return LegalHold.objects.all()


def may_read_retention(user) -> bool:
    """The retention policy's runs (counts only) and who is on legal hold: HR."""
    return roles_for(user).is_hr


def retention_runs_visible_to(user) -> QuerySet[RetentionRun]:
    if not may_read_retention(user):
        return RetentionRun.objects.none()
    return RetentionRun.objects.all()


def may_export_for(user, person: Person) -> bool:
    """Ask for the copy of everything Samtale holds about a person, on their request (GDPR
    art. 15): HR, for anyone but themselves (their own copy is on their profile, like
    everyone's). The copy goes to the person only, never to HR: no function here gives HR
    the copy or what opens it. Audited, with the reason kept (AccessCopy)."""
    roles = roles_for(user)
    return roles.is_hr and roles.person_id != person.pk


def access_copies_visible_to(user) -> QuerySet[AccessCopy]:
    """HR's requests for copies and how far each got (waiting, downloaded when, expired,
    locked): HR. The copy is in none of them: it is built when the person downloads it."""
    if not may_set_legal_hold(user):
        return AccessCopy.objects.none()
    return AccessCopy.objects.all()


def get_own_access_copy_for(user, pk) -> AccessCopy:
    """A copy of the user's own data waiting in their account, to download: the person's
    alone. Not found for anyone else, whatever their role: HR who asked for it, the
    person's leaders, an administrator."""
    person_id = roles_for(user).person_id
    if person_id is None:
        raise Http404
    try:
        return AccessCopy.objects.get(
            pk=pk, person_id=person_id, channel=AccessCopy.Channel.ACCOUNT
        )
    except (AccessCopy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_own_data_for(user, pk) -> Person:
    """The person whose copy of their data the page shows (privacy.views.own_data): the user
    themselves, signed in, and no one else. Not found for anyone else, whatever their role:
    HR, the person's leaders, an administrator (HR asks for a person's copy, which goes to
    the person only: may_export_for)."""
    person_id = roles_for(user).person_id
    if person_id is None or str(pk) != str(person_id):
        raise Http404
    return Person.objects.get(pk=person_id)


def get_access_copy_by_link(token: str) -> AccessCopy:
    """The copy a one-time link names (privacy.links), found by its token's digest; not found
    for any other token. The link alone opens nothing: the code is asked for
    (may_collect_by_link), and the page does not say whose copy it is."""
    if not token or len(token) > links.TOKEN_MAX:
        raise Http404
    copy = (
        AccessCopy.objects.filter(
            channel=AccessCopy.Channel.LINK, token_hash=links.token_digest(token)
        )
        .select_related("person")
        .first()
    )
    if copy is None:
        raise Http404
    return copy


def may_collect_by_link(copy: AccessCopy, code: str) -> bool:
    """Whoever has the link and the code from the second e-mail, both sent to the address the
    person gave, downloads the copy: once, within its time, before too many wrong codes
    locked it (privacy.services.access_copy_collect counts them). Compared in constant time."""
    return copy.channel == AccessCopy.Channel.LINK and links.code_matches(copy, code)


def _refuse_save(*args, **kwargs):
    raise RuntimeError("a data subject's view of a person is never saved")


def as_data_subject(person: Person) -> Person:
    """The person as this policy sees them when they read their own data (privacy.export):
    signed in and active, and with no role that reads more than their own (HR, administrator,
    archive staff), so that every function here answers with what is theirs as a party, and
    nothing about anyone else. A person who has left keeps the right of access; HR makes their
    copy through this. An in-memory copy that refuses to be saved."""
    subject = copy.copy(person)
    subject.__dict__.pop("_samtale_roles", None)
    subject.is_active = True
    subject.is_hr = subject.is_org_admin = subject.is_archivist = subject.is_union_rep = False
    vars(subject)["save"] = _refuse_save  # this copy's own: the model's save stays
    return subject


def legal_holds_about(user) -> QuerySet[LegalHold]:
    """The legal holds on the user's own data, with why: what keeps it longer than the policy
    says is theirs to know (GDPR art. 15(1)(d)), so the form that sets one says so."""
    return own(user, LegalHold)


def may_see_copy_requests_about_me(user) -> bool:
    """Everyone signed in sees, from the moment HR asks, every request for a copy of their
    data: who at HR asked, when and why, and how it reached them (access_copies_about)."""
    return roles_for(user).person_id is not None


def access_copies_about(user) -> QuerySet[AccessCopy]:
    """HR's requests for a copy of the user's data: the one list of them, on the profile's
    "Your data", on "Who has read your conversations" and in the copy itself (export)."""
    return own(user, AccessCopy)


def _keys(queryset: QuerySet) -> QuerySet:
    """The primary keys as the audit log writes them (text), for `object_id__in`."""
    return queryset.order_by().annotate(key=Cast("pk", CharField())).values("key")


def audit_entries_about(user) -> QuerySet[AuditEntry]:
    """The audit entries about the user's data: those whose object is the user, a
    conversation they are a party to, its goals, actions and signed forms, and those the user
    made. The log holds kinds and ids, never content."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return AuditEntry.objects.none()
    conversations = conversations_visible_to(user)
    return AuditEntry.objects.filter(
        Q(actor_id=person_id)
        | Q(object_type="org.person", object_id=str(person_id))
        | Q(object_type="conversations.conversation", object_id__in=_keys(conversations))
        | Q(object_type="actions.goal", object_id__in=_keys(goals_visible_to(user)))
        | Q(object_type="actions.action", object_id__in=_keys(actions_visible_to(user)))
        | Q(
            object_type="archive.signedform",
            object_id__in=_keys(SignedForm.objects.filter(conversation__in=conversations)),
        )
    )
