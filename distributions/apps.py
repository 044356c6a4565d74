from django.apps import AppConfig


class DistributionsConfig(AppConfig):
    name = "distributions"
    verbose_name = "Distributions"

    def ready(self):
        # What lower apps show of distributions, handed to them here (they never import distributions).
        from accounts.permissions import Capability, may
        from beneficiaries import hooks
        from distributions.events import selectors
        from distributions.events.jobs import handover_sheets_run
        from jobs.registry import runner_register

        hooks.pending_invitations_register(selectors.pending_invitations)
        hooks.household_section_register(
            hooks.HouseholdSection(
                slot="follow_up",
                template_name="distributions/_household_invitations.html",
                context=selectors.household_invitations_section,
            )
        )
        hooks.household_section_register(
            hooks.HouseholdSection(
                slot="next_steps",
                template_name="distributions/_household_invite_buttons.html",
                context=selectors.household_invite_section,
            )
        )
        runner_register(
            "distributions.handover_sheets",
            handover_sheets_run,
            retry_safe=True,  # a PDF made again is harmless
            may_start=lambda user: may(user, Capability.EVENT_MANAGE),
        )
