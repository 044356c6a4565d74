import django_filters
from django import forms
from django.db.models import Q

from donations.models import Donation
from equipment.enums import ItemCategory, ItemStatus
from equipment.models import Item


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Étiquette, n° de série ou modèle", method="search")
    status = django_filters.ChoiceFilter(label="Statut", choices=ItemStatus.choices, empty_label="Tous")
    category = django_filters.ChoiceFilter(label="Catégorie", choices=ItemCategory.choices, empty_label="Toutes")
    received_after = django_filters.DateFilter(label="Reçu à partir du", field_name="received_on", lookup_expr="gte")
    received_before = django_filters.DateFilter(label="Reçu jusqu'au", field_name="received_on", lookup_expr="lte")
    # Reached from a donation's page (« Voir les matériels de ce don »): kept across searches, never a <select> of
    # every donation (thousands of options, one query each for its donor's name).
    donation = django_filters.ModelChoiceFilter(queryset=Donation.objects.all(), widget=forms.HiddenInput)

    class Meta:
        model = Item
        fields = ["q", "status", "category", "donation"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(asset_tag__iexact=value) | Q(serial_number__iexact=value) | Q(model__icontains=value))
