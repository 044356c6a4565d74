"""Django finds an app's models in <app>.models: distributions' live in its two sub-domains, packs and events."""

from distributions.events.models import AgendaItem, Event, Invitation
from distributions.packs.models import Pack, PackItem, PackTemplate, PackTemplateLine

__all__ = ["AgendaItem", "Event", "Invitation", "Pack", "PackItem", "PackTemplate", "PackTemplateLine"]
