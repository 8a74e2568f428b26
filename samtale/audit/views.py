"""The audit log's pages: HR's and the administrators' search, and the employee's "who has
read my conversations" (with HR's requests for a copy of their data). Neither shows
content: the log holds none."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from samtale.audit import policy, selectors
from samtale.audit.forms import SearchForm
from samtale.audit.words import sentence, stored
from samtale.core.audit import READ_ROLES, READ_WHAT
from samtale.core.http import guarded
from samtale.core.paginator import Paginator

# Five screens of a phone, its filters above (issue 61: 50 made /logg/ 11 screens).
PAGE_SIZE = 25


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("side", None)
    return query.urlencode()


@guarded(policy.may_search_audit)
@require_GET
def audit_search(request):
    """Search the log by person, kind and period; each entry as a sentence, and as stored. A
    search that cannot be read is named field by field, and nothing is listed until it is
    corrected."""
    form = SearchForm(request.GET or None, user=request.user)
    page = None
    if not form.is_bound or form.is_valid():
        found = selectors.entries_matching(
            policy.audit_entries_visible_to(request.user),
            **(form.cleaned_data if form.is_bound else {}),
        )
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("side"))
        names = selectors.names_of(page.object_list)
        for entry in page.object_list:
            entry.sentence = sentence(entry, names)
            entry.stored = stored(entry)
    return render(
        request,
        "audit/search.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@guarded(policy.may_see_reads_of_my_conversations)
@require_GET
def my_reads(request):
    """Who outside my conversations has read them: when, in which role, and what; and beside
    them every request HR made for a copy of my data, from the moment it was made."""
    reads = policy.reads_of_my_conversations(request.user).order_by("-id")
    page = Paginator(reads, PAGE_SIZE).get_page(request.GET.get("side"))
    conversations = selectors.conversations_of(page.object_list)
    for entry in page.object_list:
        entry.conversation = conversations.get(entry.object_id)
        entry.role = READ_ROLES.get(entry.data.get("as", "hr"), "")
        entry.what = READ_WHAT.get(entry.data.get("what", "shared_conclusion"), "")
    return render(request, "audit/my_reads.html", {"page": page, "query": ""})
