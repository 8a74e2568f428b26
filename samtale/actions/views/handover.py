"""The employee's answer about their follow-up after a change of line manager
(actions.handover)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from samtale.actions import handover
from samtale.actions.forms import HandoverForm
from samtale.core.errors import DomainError
from samtale.core.http import guarded


@guarded()
@require_http_methods(["GET", "POST"])
def follow_up_handover(request, pk):
    change = handover.get_question_for(request.user, pk)
    context = handover.question_context(change)
    form = HandoverForm(
        request.POST if request.method == "POST" else None,
        change=change,
        summary_conversation=context["summary_conversation"],
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            pass_on = form.cleaned_data["decision"] == "pass"
            try:
                passed = handover.follow_up_handover_decide(
                    actor=request.user,
                    change=change,
                    pass_on=pass_on,
                    share_summary=form.cleaned_data.get("share_summary", False),
                )
            except DomainError as e:
                form.add_error(None, e.message)
            else:
                if pass_on:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d action passed to %(name)s.",
                            "%(count)d actions passed to %(name)s.",
                            passed,
                        )
                        % {"count": passed, "name": change.new_manager.full_name},
                    )
                else:
                    messages.success(request, _("Your actions stay where they are."))
                return redirect(reverse("my_actions"))
        status = 400
    return render(request, "actions/handover.html", context | {"form": form}, status=status)
