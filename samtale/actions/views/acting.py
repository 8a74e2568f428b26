"""Acting on an action that falls behind, from the overdue list and from the action's page:
remind the employee, give it a new deadline, or drop it, saying why. Plain forms that post
and go back to the page they came from (`next`) with a message; a refused new deadline or
drop comes back on the action's page with what was typed."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtale.actions import policy, selectors, services
from samtale.actions.forms import DeadlineForm, DropForm
from samtale.actions.views.follow_up import _detail, nudges_forget
from samtale.core.errors import DomainError
from samtale.core.http import guarded, redirect_back


def _back(request, pk):
    return redirect_back(request, reverse("action_detail", args=[pk]))


@guarded()
@require_POST
def action_remind(request, pk):
    """The leader reminds the employee: an e-mail at once, at most once a week."""
    action = policy.get_action_for(request.user, pk)
    try:
        sent = services.action_remind(actor=request.user, action=action)
    except DomainError as e:
        messages.error(request, e.message)
        return _back(request, pk)
    name = action.goal.conversation.employee.full_name
    if sent:
        messages.success(request, _("Reminder sent to %(name)s.") % {"name": name})
    else:
        messages.success(
            request,
            _(
                "%(name)s has turned off e-mails about reminders. The reminder shows on "
                "their home page."
            )
            % {"name": name},
        )
    return _back(request, pk)


def _refused(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@guarded()
@require_POST
def action_deadline(request, pk):
    """A new deadline and why; refused, back on the action's page with what was typed."""
    action = policy.get_action_for(request.user, pk)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            update = services.action_deadline_move(
                actor=request.user, action=action, **form.cleaned_data
            )
        except DomainError as e:
            _refused(form, e)
    if form.errors:
        return _detail(request, pk, deadline_form=form, status=400)
    nudges_forget(request.user, selectors.today())
    messages.success(
        request,
        _("The action has a new deadline: %(date)s.")
        % {"date": update.deadline_to.strftime("%d.%m.%Y")},
    )
    return _back(request, pk)


@guarded()
@require_POST
def action_drop(request, pk):
    """Drop the action, saying why; refused, back on the action's page with what was typed."""
    action = policy.get_action_for(request.user, pk)
    form = DropForm(request.POST)
    if form.is_valid():
        try:
            services.action_drop(actor=request.user, action=action, **form.cleaned_data)
        except DomainError as e:
            _refused(form, e)
    if form.errors:
        return _detail(request, pk, drop_form=form, status=400)
    nudges_forget(request.user, selectors.today())
    messages.success(request, _("The action is dropped."))
    return _back(request, pk)
