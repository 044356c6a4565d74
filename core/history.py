"""django-simple-history's admin history pages, in French: a clear title, French headings, and each change shown
as people read it (choice labels, jj/mm/aaaa dates in Paris time, « oui » / « non », decimal commas, « — » for
nothing) instead of stored codes, ISO timestamps and « None »."""

import datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"


def display_value(field: models.Field, value) -> str:
    """One stored value as the history shows it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, list):
        return ", ".join(str(element) for element in value) or EMPTY
    return str(value)


class FrenchRecordContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return display_value(self.model._meta.get_field(change.field), value)


class FrenchHistoryAdminMixin:
    """Put before SimpleHistoryAdmin: French titles and headings, readable values. Reverting stays as each admin
    decides (revert_disabled)."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"

    def history_view_title(self, request, obj):
        return f"Historique des modifications de {obj}"

    def history_form_view_title(self, request, obj):
        if self.revert_disabled(request, obj):
            return f"{obj} — version passée (lecture seule)"
        return f"{obj} — version passée"

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchRecordContextHelper(self.model, historical_record)
