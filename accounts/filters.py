import django_filters

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from core.forms import FilterForm


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom", field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label="Type", choices=OrganisationKind.choices, empty_label="Tous")
    active = django_filters.ChoiceFilter(
        label="État",
        choices=[("oui", "Actives"), ("non", "Désactivées")],
        empty_label="Toutes",
        method="filter_active",
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "active"]
        form = FilterForm

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "oui")
