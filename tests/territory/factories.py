"""factory_boy factories for territory's models (with Traits), used by every app's tests."""

import factory

from territory.models import Commune


class CommuneFactory(factory.django.DjangoModelFactory):
    """A commune of the territory (the migration loads the real 47; this one is found or created)."""

    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    insee_code = "59491"
    name = "Raismes"
    postal_codes = "59590"

    class Params:
        denain = factory.Trait(insee_code="59172", name="Denain", postal_codes="59220")
        inactive = factory.Trait(insee_code="59999", name="Ancienne-Commune", postal_codes="59999", is_active=False)
