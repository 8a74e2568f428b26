from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samtale.core import access
from samtale.core.errors import DomainError
from samtale.core.http import acted, guarded
from samtale.guides import policy, selectors, services
from samtale.guides.forms import (
    GuideForm,
    guide_initial,
    theme_formset,
    themes_initial,
    with_another_theme,
)
from samtale.guides.likert import SCALE


@guarded(policy.may_manage_guides)
@require_GET
def guide_list(request):
    guides = selectors.guides_with_current(guides=policy.guides_visible_to(request.user))
    return render(request, "guides/guide_list.html", {"guides": guides})


@guarded()
@require_GET
def guide_detail(request, pk):
    guide = policy.get_guide_for(request.user, pk)
    # Everyone signed in may read a template; this page, with its history, is HR's.
    access.require(policy.may_manage_guides(request.user))
    versions = list(guide.versions.select_related("created_by").order_by("-number"))
    usage = selectors.version_usage(guide=guide)
    return render(
        request,
        "guides/guide_detail.html",
        {
            "guide": guide,
            "version": versions[0],
            "history": [(version, usage.get(version.pk, 0)) for version in versions],
            "scale": SCALE,
        },
    )


def _show_error(form, theme_forms, error: DomainError) -> None:
    """Put the service's message next to what it is about: a field, a theme, or the top."""
    field = error.field or ""
    if field.startswith("themes."):
        _themes, index, name = field.split(".")
        error.add_to(theme_forms[int(index)], renamed={field: name})
    else:
        error.add_to(form)


def _editor(request, *, guide=None):
    """The form for a new template (guide=None) or for the current version of one."""
    version = selectors.current_version(guide) if guide else None
    in_use = selectors.version_use_count(version) if guide else 0
    added = False
    if request.method == "POST":
        form, formset = GuideForm(request.POST), theme_formset(request.POST)
        if "add_theme" in request.POST:
            form, formset = with_another_theme(form, formset)
            formset.forms[-1].fields["title"].widget.attrs["autofocus"] = True
            added = True
        elif form.is_valid() and formset.is_valid():
            theme_forms = formset.theme_forms()
            values = {**form.cleaned_data, "themes": [f.theme() for f in theme_forms]}
            try:
                if guide is None:
                    saved = services.guide_create(actor=request.user, **values)
                    messages.success(request, _("The template is created."))
                else:
                    saved = services.guide_update(actor=request.user, guide=guide, **values)
                    if saved.number != version.number:
                        messages.success(
                            request,
                            _(
                                "Saved as version %(number)d. Conversations keep the version "
                                "they were held with."
                            )
                            % {"number": saved.number},
                        )
                    else:
                        messages.success(request, _("The changes are saved."))
            except DomainError as e:
                _show_error(form, theme_forms, e)
            else:
                return redirect("guide_detail", pk=guide.pk if guide else saved.pk)
    else:
        form = GuideForm(initial=guide_initial(version))
        formset = theme_formset(initial=themes_initial(version), extra=0 if version else 1)
    has_errors = bool(form.errors) or bool(formset.is_bound and formset.total_error_count())
    return render(
        request,
        "guides/guide_form.html",
        {
            "guide": guide,
            "version": version,
            "form": form,
            "formset": formset,
            "in_use": in_use,
            "added": added,
            "has_errors": has_errors,
        },
    )


@guarded(policy.may_manage_guides)
@require_http_methods(["GET", "POST"])
def guide_create(request):
    return _editor(request)


@guarded()
@require_http_methods(["GET", "POST"])
def guide_edit(request, pk):
    return _editor(request, guide=policy.get_guide_for(request.user, pk, write=True))


@guarded()
@require_POST
def guide_copy(request, pk):
    guide = policy.get_guide_for(request.user, pk, write=True)
    copy = services.guide_copy(actor=request.user, guide=guide)
    messages.success(request, _("The copy is made. Change what you need, and save."))
    return redirect("guide_edit", pk=copy.pk)


@guarded()
@require_POST
def guide_retire(request, pk):
    guide = policy.get_guide_for(request.user, pk, write=True)
    acted(
        request,
        lambda: services.guide_retire(actor=request.user, guide=guide),
        _("The template is retired. Conversations that use it keep it; new ones cannot."),
    )
    return redirect("guide_detail", pk=guide.pk)


@guarded()
@require_POST
def guide_restore(request, pk):
    guide = policy.get_guide_for(request.user, pk, write=True)
    acted(
        request,
        lambda: services.guide_restore(actor=request.user, guide=guide),
        _("The template can be chosen for conversations again."),
    )
    return redirect("guide_detail", pk=guide.pk)
