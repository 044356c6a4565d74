"""Role checks for views: anonymous visitors go to the login page, other roles get a 403 (never a login loop)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.enums import Role

ROLE_PREDICATES = {
    Role.COORDINATION: lambda user: user.is_coordination,
    Role.TECHNICIAN: lambda user: user.is_technician,
    Role.PRESCRIBER: lambda user: user.is_prescriber,
    Role.PARTNER: lambda user: user.is_partner,
}


def role_required(*roles: Role, message: str = "Cette page n'est pas ouverte à votre rôle."):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(ROLE_PREDICATES[role](user) for role in roles):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(
    Role.COORDINATION, Role.TECHNICIAN, message="Réservé à la coordination et aux techniciens."
)
coordination_required = role_required(Role.COORDINATION, message="Réservé à la coordination du programme.")
