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
from equipment.selectors import WholeMatches, whole_matches


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

    def __init__(self, *args, whole: WholeMatches | None = None, **kwargs):
        """`whole`: what the search matches whole, when the caller already looked it up (the list page does, to open
        a scanned tag's item)."""
        super().__init__(*args, **kwargs)
        self.whole = whole

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
        # A tag or a serial number matches whole (looked up first, by their indexes); a model on any part. The ids
        # are given as a list, not a subquery: PostgreSQL then still reads a rare model through its trigram index.
        whole = self.whole if self.whole is not None else whole_matches(value)
        condition = Q(model__icontains=value)
        if whole.pks:
            condition |= Q(pk__in=whole.pks)
        return queryset.filter(condition)
