from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samtale.accounts import services, sso
from samtale.accounts.forms import LanguageForm, LoginForm, NoticesForm, ResetForm
from samtale.accounts.services_session import EXPIRED_FOR
from samtale.accounts.tokens import password_reset_token
from samtale.conversations import notices
from samtale.core.errors import DomainError
from samtale.core.http import guarded, same_site_path
from samtale.org import services as org_services
from samtale.org.selectors import person_with_relations
from samtale.tenancy import tenant_settings


class Login(auth_views.LoginView):
    """Django's sign-in; this browser becomes one of the person's devices (accounts.devices),
    where strangers' failed attempts do not slow them down."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # After an expired session (not a sign-out) the person's drafts wait for them here,
        # as long as a session could have lasted (static/js/drafts.js).
        return super().get_context_data(
            **kwargs,
            expired_for=self.request.session.get(EXPIRED_FOR),
            drafts_keep_seconds=settings.SESSION_MAX_HOURS * 3600,
            providers=sso.providers(),
            password_signin=tenant_settings.SAMTALE_PASSWORD_SIGNIN,
        )

    def post(self, request, *args, **kwargs):
        if not tenant_settings.SAMTALE_PASSWORD_SIGNIN:
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """The password was right: allauth's stages take over (a second factor where the
        person has one), then the sign-in and its redirect (sso.AccountAdapter)."""
        self.request.session.pop(EXPIRED_FOR, None)
        return sso.sign_in(self.request, form.get_user(), redirect_url=self.get_success_url())


login = Login.as_view()


class Logout(auth_views.LogoutView):
    """Signing out also asks the browser to wipe this site's storage, where autosave.js keeps
    drafts of texts not yet saved: on a shared computer the next person must not read them.
    Cookies stay; the CSRF and language cookies hold nothing of the person's."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


logout = Logout.as_view()


class PasswordReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetForm

    def dispatch(self, request, *args, **kwargs):
        # Where everyone signs in with SSO, there is no password to reset.
        if not tenant_settings.SAMTALE_PASSWORD_SIGNIN:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        # The form limits requests per client, so it needs to know where one comes from.
        return {**super().get_form_kwargs(), "request": self.request}


password_reset = PasswordReset.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """A new password from the e-mailed link signs the person in, on a device remembered as
    theirs: however a stranger slows sign-in with their address, the owner gets in."""

    template_name = "accounts/password_reset_confirm.html"
    token_generator = password_reset_token

    def form_valid(self, form):
        """The new password is saved and signs the person in through the same stages as the
        sign-in page: a second factor they have set up is still asked for."""
        services.login_throttle_clear(person=form.user)
        super().form_valid(form)
        return sso.sign_in(self.request, form.user, redirect_url=reverse("home"))


password_reset_confirm = PasswordResetConfirm.as_view()


@require_http_methods(["GET", "POST"])
def password_reset_old_address(request, token):
    """The link e-mailed to the old address after someone else changed a person's address:
    a button (never the GET, which mail scanners follow) lets the reset go to the new one."""
    try:
        change = services.reset_confirm_change(token)
    except DomainError as e:
        return render(
            request, "accounts/password_reset_old_address.html", {"error": e.message}, status=400
        )
    if request.method == "POST":
        try:
            services.password_reset_confirm_old_address(
                token=token, domain=request.get_host(), https=request.is_secure()
            )
        except DomainError as e:
            return render(
                request,
                "accounts/password_reset_old_address.html",
                {"error": e.message},
                status=400,
            )
        return render(request, "accounts/password_reset_old_address.html", {"done": True})
    return render(request, "accounts/password_reset_old_address.html", {"change": change})


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
        language = form.cleaned_data["language"]
        org_services.person_language_set(actor=request.user, person=request.user, language=language)
        translation.activate(language)
        messages.success(request, _("Your language is saved."))
        # The browser's cookie follows, as the footer's switch sets it: the sign-in page of
        # this browser is then in the same language.
        return _with_language_cookie(request, redirect("profile"), language)
    me = person_with_relations(person_id=request.user.pk)
    notices_form = NoticesForm.for_person(request.user)
    return render(
        request,
        "accounts/profile.html",
        {"me": me, "form": form, "notices_form": notices_form},
    )


@guarded()
@require_POST
def profile_notices(request):
    """Which step notices to get by e-mail; from the profile page."""
    form = NoticesForm.for_person(request.user, request.POST)
    if form.is_valid():
        notices.person_notices_set(actor=request.user, person=request.user, off=form.off())
        messages.success(request, _("Your choice of notices is saved."))
    else:
        messages.error(request, _("Choose among the notices in the list."))
    return redirect(reverse("profile") + "#varsler")


@require_POST
def language_set(request):
    """The language switch in the footer: a cookie for everyone, the profile for a signed-in person."""
    form = LanguageForm(request.POST)
    response = HttpResponseRedirect(same_site_path(request, request.POST.get("next"), "/"))
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            org_services.person_language_set(
                actor=request.user, person=request.user, language=language
            )
        else:
            # Chosen before signing in: it becomes the person's at sign-in (sso.post_login).
            request.session[sso.LANGUAGE_CHOSEN] = language
        _with_language_cookie(request, response, language)
    return response


def _with_language_cookie(request, response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


def sso_refused(request):
    """Where allauth's flows send someone it will not sign in (a cancelled single sign-on,
    an account whose access ended, a provider's user Samtale does not know)."""
    return render(
        request,
        "accounts/sso_refused.html",
        {
            "message": _("You were not signed in. Try again, or ask HR if you cannot get in."),
            "password_signin": tenant_settings.SAMTALE_PASSWORD_SIGNIN,
        },
        status=403,
    )
