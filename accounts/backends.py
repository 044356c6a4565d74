from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.permissions import permissions_for_role
from core.ratelimit import client_address
from security import lockout


class FiliereBackend(ModelBackend):
    """Permissions follow the role; demo accounts only in demo mode; inactive organisations locked out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Every login form (ours and the admin's) goes through here: blocked accounts and addresses are refused
        before the password is checked, and each refusal is counted (recorded before the password is checked, so
        that simultaneous attempts on several workers cannot pass the limit together)."""
        username = username if username is not None else kwargs.get("username")
        address = client_address(request) if request is not None else None
        lock = lockout.login_lock(username=username, address=address)
        attempt = lock or lockout.login_attempt_start(username=username, address=address)
        if isinstance(attempt, lockout.Lock):
            if request is not None:
                request.login_lock = attempt  # the form says why, with the time the lock ends
            raise PermissionDenied  # ends authenticate(): no other backend is tried
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and username:
            lockout.login_failures_clear(username=username)  # the attempt counted as failed is forgotten too
        return user

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        if user.is_demo and not settings.DEMO_MODE:
            return False
        organisation = user.organisation
        return organisation is None or organisation.is_active

    def get_user(self, user_id):
        """The signed-in user with their organisation in one query (every page reads both)."""
        UserModel = get_user_model()
        try:
            user = UserModel._default_manager.select_related("organisation").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_filiere_perm_cache"):
            user_obj._filiere_perm_cache = self._stored_permissions(user_obj) | permissions_for_role(user_obj.role)
        return user_obj._filiere_perm_cache

    def _stored_permissions(self, user_obj) -> set[str]:
        """Permissions given in the admin, the user's own and their groups', in one query (ModelBackend takes two,
        on every admin page)."""
        permissions = Permission.objects.all()
        if not user_obj.is_superuser:
            permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
        rows = permissions.values_list("content_type__app_label", "codename").distinct()
        return {f"{app_label}.{codename}" for app_label, codename in rows}
