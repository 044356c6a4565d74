from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Droit d'accès"

    def ready(self):
        from beneficiaries import hooks

        hooks.household_section_register(
            hooks.HouseholdSection(
                slot="personal_data",
                template_name="privacy/_household_export.html",
                context=lambda request, household: (
                    {"household_id": household.pk} if request.user.is_coordination else None
                ),
            )
        )
