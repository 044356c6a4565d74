from django.apps import AppConfig


class EquipmentConfig(AppConfig):
    name = "equipment"
    verbose_name = "Matériel"

    def ready(self):
        from equipment.exports.jobs import items_export_run
        from jobs.registry import runner_register

        runner_register("equipment.items_export", items_export_run)
