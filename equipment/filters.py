"""The equipment list's filters: the widgets of core.components write their HTML in Python (the list is the
technicians' most used page: Django's templates, one more per <option>, were a third of its time), the page draws
each field through the site's field template like every form."""

import django_filters
from django.db.models import Q

from core.components import DateInput, HiddenInput, Select, TextInput
from core.forms import FilterForm
from donations.models import Donation
from equipment.enums import ItemCategory, ItemStatus
from equipment.models import Item


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Étiquette, n° de série ou modèle", method="search", widget=TextInput())
    status = django_filters.ChoiceFilter(
        label="Statut", choices=ItemStatus.choices, empty_label="Tous", widget=Select()
    )
    category = django_filters.ChoiceFilter(
        label="Catégorie", choices=ItemCategory.choices, empty_label="Toutes", widget=Select()
    )
    received_after = django_filters.DateFilter(
        label="Reçu à partir du", field_name="received_on", lookup_expr="gte", widget=DateInput()
    )
    received_before = django_filters.DateFilter(
        label="Reçu jusqu'au", field_name="received_on", lookup_expr="lte", widget=DateInput()
    )
    # Reached from a donation's page (« Voir les matériels de ce don »): kept across searches, never a <select> of
    # every donation (thousands of options, one query each for its donor's name).
    donation = django_filters.ModelChoiceFilter(queryset=Donation.objects.all(), widget=HiddenInput)

    class Meta:
        model = Item
        fields = ["q", "status", "category", "donation"]
        form = FilterForm

    def get_form_class(self):
        """Built once per process: django-filter builds the form class, and a field per filter, on every request
        (a millisecond of the list's time). Each form still gets its own copies of the fields."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(asset_tag__iexact=value) | Q(serial_number__iexact=value) | Q(model__icontains=value))
