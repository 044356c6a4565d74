import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from beneficiaries.enums import HouseholdStatus
from beneficiaries.models import Household
from beneficiaries.status import household_status_condition
from core.components import CheckboxInput, Select, TextInput
from core.forms import FilterForm
from core.text import compact_key
from territory.models import Commune

EXPIRING_WITHIN_DAYS = 30


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou prénom", method="search", widget=TextInput())
    status = django_filters.ChoiceFilter(
        label="Statut",
        choices=HouseholdStatus.choices,
        empty_label="Tous",
        method="filter_status",
        widget=Select(),
    )
    # Communes and structures: (id, name) pairs read once per page and set on the form (see __init__);
    # ModelChoiceFilter built an instance per option and read the chosen one again to validate it.
    commune = django_filters.ChoiceFilter(label="Commune", empty_label="Toutes", widget=Select())
    expiring = django_filters.BooleanFilter(
        label=f"Certification expirant sous {EXPIRING_WITHIN_DAYS} jours",
        method="filter_expiring",
        widget=CheckboxInput(),
    )
    structure = django_filters.ChoiceFilter(label="Structure", empty_label="Toutes", widget=Select())

    class Meta:
        model = Household
        fields = ["q", "status", "commune", "expiring", "structure"]
        form = FilterForm

    _form_classes: dict = {}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_coordination:
            # A prescriber only ever sees their own structure: the choice would mean nothing.
            del self.filters["structure"]
        self.today = timezone.localdate()
        # Read once, for the <select>s and for the rows' commune and structure names (no join in the list's SQL).
        self.commune_names = dict(Commune.objects.values_list("pk", "name"))
        self.structure_names = (
            dict(Organisation.objects.structures().values_list("pk", "name")) if user.is_coordination else None
        )
        fields = self.form.fields
        fields["commune"].choices = list(self.commune_names.items())
        if "structure" in fields:
            fields["structure"].choices = list(self.structure_names.items())

    def get_form_class(self):
        """Built once per process for each set of filters (django-filter builds the form class, and a field per
        filter, on every request); each form still gets its own copies of the fields, choices set in __init__."""
        names = tuple(self.filters)
        if names not in self._form_classes:
            self._form_classes[names] = super().get_form_class()
        return self._form_classes[names]

    def search(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            key = compact_key(word)
            if key:
                condition &= Q(name_key__contains=key)
        return queryset.filter(condition)

    def filter_status(self, queryset, name, value):
        return queryset.filter(household_status_condition(value, self.today))

    def filter_expiring(self, queryset, name, value):
        if not value:
            return queryset
        limit = self.today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        return queryset.filter(
            household_status_condition(HouseholdStatus.ELIGIBLE, self.today), current_expires_on__lte=limit
        )
