from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Droit d'accès"

    def ready(self):
        from accounts.permissions import Capability, may
        from beneficiaries import hooks

        hooks.household_section_register(
            hooks.HouseholdSection(
                slot="personal_data",
                template_name="privacy/_household_export.html",
                context=lambda request, household: (
                    {"household_id": household.pk} if may(request.user, Capability.HOUSEHOLD_DATA_EXPORT) else None
                ),
            )
        )
