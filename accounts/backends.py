from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from accounts.permissions import permissions_for_role


class FiliereBackend(ModelBackend):
    """Permissions follow the role; demo accounts only in demo mode; inactive organisations locked out."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        if user.is_demo and not settings.DEMO_MODE:
            return False
        organisation = user.organisation
        return organisation is None or organisation.is_active

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_filiere_perm_cache"):
            user_obj._filiere_perm_cache = super().get_all_permissions(user_obj) | permissions_for_role(user_obj.role)
        return user_obj._filiere_perm_cache
