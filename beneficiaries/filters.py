import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from beneficiaries.enums import HouseholdStatus
from beneficiaries.models import Commune, Household
from beneficiaries.normalize import compact_key

EXPIRING_WITHIN_DAYS = 30


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou prénom", method="search")
    status = django_filters.ChoiceFilter(
        label="Statut", choices=HouseholdStatus.choices, empty_label="Tous", method="filter_status"
    )
    commune = django_filters.ModelChoiceFilter(label="Commune", queryset=Commune.objects.all(), empty_label="Toutes")
    expiring = django_filters.BooleanFilter(
        label=f"Certification expirant sous {EXPIRING_WITHIN_DAYS} jours",
        method="filter_expiring",
        widget=forms.CheckboxInput,
    )
    structure = django_filters.ModelChoiceFilter(
        label="Structure", queryset=Organisation.objects.structures(), empty_label="Toutes"
    )

    class Meta:
        model = Household
        fields = ["q", "status", "commune", "expiring", "structure"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_coordination:
            # A prescriber only ever sees their own structure: the choice would mean nothing.
            del self.filters["structure"]
        self.today = timezone.localdate()

    def search(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            key = compact_key(word)
            if key:
                condition &= Q(name_key__contains=key)
        return queryset.filter(condition)

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_expiring(self, queryset, name, value):
        if not value:
            return queryset
        limit = self.today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        return queryset.filter(
            status=HouseholdStatus.ELIGIBLE, current_expires_on__gt=self.today, current_expires_on__lte=limit
        )
