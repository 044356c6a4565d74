from django.apps import AppConfig


class EquipmentConfig(AppConfig):
    name = "equipment"
    verbose_name = "Matériel"

    def ready(self):
        from accounts.permissions import Capability, may
        from equipment.exports.jobs import items_export_run
        from equipment.imports import jobs as import_jobs
        from jobs.registry import runner_register

        def staff(user) -> bool:
            return may(user, Capability.EQUIPMENT)

        # A file made again is harmless: an interrupted export is started again.
        runner_register(
            "equipment.items_export",
            items_export_run,
            retry_safe=True,
            may_start=staff,
        )
        # The CSV import: its file is removed when the work ends, so a failed import starts again from the upload.
        for kind, runner, on_end in [
            (import_jobs.CHECK_KIND, import_jobs.items_import_check_run, import_jobs.items_import_check_end),
            (import_jobs.IMPORT_KIND, import_jobs.items_import_run, import_jobs.items_import_end),
        ]:
            runner_register(
                kind,
                runner,
                retry_safe=True,
                relaunchable=False,
                start_url_name="equipment:import",
                may_start=staff,
                on_end=on_end,
            )
