"""The person's own two-factor pages: enrolment (QR code and manual key), verification at login, backup codes."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from security import two_factor as service
from security.forms import TokenForm


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else resolve_url(settings.LOGIN_REDIRECT_URL)


def _add_errors(form, error: ValidationError) -> None:
    form.add_error("token", error.messages)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("token")
def two_factor(request):
    """Enrolment when the account has no app yet (offered to every account, required for some); otherwise the
    status page (backup codes left)."""
    user = request.user
    if service.two_factor_enrolled(user):
        context = {"verified": user.is_verified(), "codes_left": service.backup_codes_left(user)}
        return render(request, "security/two_factor_status.html", context)
    device = service.totp_device_pending(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = service.two_factor_enrol(user=user, device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            device.refresh_from_db()
            django_otp.login(request, device)
            messages.success(request, "La double authentification est activée pour votre compte.")
            return render(request, "security/backup_codes.html", {"codes": codes, "next": _next_url(request)})
    context = {
        "form": form,
        "qr_svg": service.totp_qr_svg(device),
        "manual_key": service.totp_manual_key(device),
        "required": service.two_factor_required_by_role(user),
        "next": _next_url(request),
    }
    return render(request, "security/two_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("token")
def two_factor_verify_view(request):
    """Second step of the login: a code from the app (or a backup code)."""
    user = request.user
    if not service.two_factor_enrolled(user):
        return redirect("security:two_factor")
    if user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = service.two_factor_verify(user=user, token=form.cleaned_data["token"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            django_otp.login(request, device)
            left = service.backup_codes_left(user)
            if device.persistent_id.startswith("otp_static") and left <= 3:
                messages.warning(
                    request,
                    f"Code de secours utilisé : il vous en reste {left}. Générez-en de nouveaux depuis la page "
                    "« Double authentification ».",
                )
            return redirect(_next_url(request))
    return render(request, "security/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@require_POST
def backup_codes(request):
    """New backup codes, shown once; only after the second factor was checked in this session."""
    if not request.user.is_verified():
        raise PermissionDenied("Vérifiez d'abord votre code.")
    try:
        codes = service.backup_codes_regenerate(user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("security:two_factor")
    return render(
        request, "security/backup_codes.html", {"codes": codes, "next": resolve_url(settings.LOGIN_REDIRECT_URL)}
    )
