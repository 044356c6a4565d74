"""How often one address may use the public donor form."""

from django.conf import settings

from core.ratelimit import RateLimit


def offer_limits() -> tuple[RateLimit, RateLimit]:
    """(offers created, form posts) per address per hour, read from settings so tests and deployments adjust."""
    config = settings.FILIERE
    return (
        RateLimit("donation-offer", config["OFFERS_PER_HOUR"]),
        RateLimit("donation-offer-post", config["OFFER_ATTEMPTS_PER_HOUR"]),
    )
