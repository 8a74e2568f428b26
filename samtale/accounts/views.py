from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samtale.accounts.forms import LanguageForm, LoginForm, ResetForm
from samtale.core.http import guarded
from samtale.org import services as org_services
from samtale.org.selectors import person_with_relations

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
class Logout(auth_views.LogoutView):
    """Signing out also asks the browser to wipe this site's storage, where autosave.js keeps
    drafts of texts not yet saved: on a shared computer the next person must not read them.
    Cookies stay; the CSRF and language cookies hold nothing of the person's."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


logout = Logout.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html", form_class=ResetForm
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html"
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


password_change = guarded()(PasswordChange.as_view())


@guarded()
@require_http_methods(["GET", "POST"])
def profile(request):
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        org_services.person_language_set(
            actor=request.user, person=request.user, language=form.cleaned_data["language"]
        )
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your language is saved."))
        return redirect("profile")
    me = person_with_relations(person_id=request.user.pk)
    return render(request, "accounts/profile.html", {"me": me, "form": form})


@require_POST
def language_set(request):
    """The language switch in the footer: a cookie for everyone, the profile for a signed-in person."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            org_services.person_language_set(
                actor=request.user, person=request.user, language=language
            )
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response
