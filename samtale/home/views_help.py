"""Hjelp: the user guide in the reader's language (home.guide), open to everyone, signed in
or not, so that a new user finds it from the login page too."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from samtale.home import guide


@require_GET
def help_page(request, page: str = "index"):
    """One page of the guide, with the list of all of them."""
    if page not in guide.PAGES:
        raise Http404
    if page == "index" and request.resolver_match.url_name == "help_page":
        return redirect("help", permanent=True)
    language = guide.language_of(get_language())
    shown = guide.page_render(language=language, slug=page)
    context = {
        "page": shown,
        "content": shown.html,  # safe: home.guide.Page.html
        "contents": [
            (guide.page_url(each.slug), each.title, each.slug == page)
            for each in guide.contents(language=language)
        ],
        "guide_language": language,
    }
    return render(request, "home/help.html", context)
