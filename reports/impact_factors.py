"""Impact factors: what making one new device emits, so what a reused one avoids.

Another territory may use other figures: set `FILIERE_IMPACT_FACTORS` in its settings to a dict shaped like
`DEFAULT_FACTORS` (keys are equipment categories; a category left out is not counted).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

ADEME_ARCEP_2022 = (
    "ADEME et Arcep, « Évaluation de l'impact environnemental du numérique en France et analyse prospective », "
    "volet 2, janvier 2022 ; valeurs par équipement publiées par l'ADEME sur Impact CO₂ (impactco2.fr) : "
    "fabrication + assemblage et distribution"
)
ADEME_ARCEP_2022_URL = (
    "https://librairie.ademe.fr/consommer-autrement/5226-evaluation-de-l-impact-environnemental-du-numerique-en-"
    "france-et-analyse-prospective.html"
)


@dataclass(frozen=True)
class ImpactFactor:
    """Greenhouse gases emitted to make one new device of a category (what reusing one avoids)."""

    kg_co2e: Decimal
    device: str
    source: str
    source_url: str
    published: str  # month or year of publication, as the source gives it
    source_short: str = ""

    @property
    def unit(self) -> str:
        return "kg CO₂e par appareil"


DEFAULT_FACTORS: dict[str, ImpactFactor] = {
    "desktop": ImpactFactor(
        kg_co2e=Decimal("204.4"),
        device="Ordinateur fixe professionnel neuf, sans écran (202,6 + 1,8)",
        source=ADEME_ARCEP_2022,
        source_url=ADEME_ARCEP_2022_URL,
        published="janvier 2022",
        source_short="ADEME et Arcep (étude 2022), via Impact CO₂",
    ),
    "laptop": ImpactFactor(
        kg_co2e=Decimal("182.6"),
        device="Ordinateur portable neuf, écran de 14,6 pouces (170,3 + 12,3)",
        source=ADEME_ARCEP_2022,
        source_url=ADEME_ARCEP_2022_URL,
        published="janvier 2022",
        source_short="ADEME et Arcep (étude 2022), via Impact CO₂",
    ),
    "screen": ImpactFactor(
        kg_co2e=Decimal("65.9"),
        device="Écran d'ordinateur neuf, 24 pouces (64,6 + 1,3)",
        source=ADEME_ARCEP_2022,
        source_url=ADEME_ARCEP_2022_URL,
        published="janvier 2022",
        source_short="ADEME et Arcep (étude 2022), via Impact CO₂",
    ),
}

METHOD = [
    "Chaque matériel remis à un foyer (statut « distribué ») évite la fabrication d'un appareil neuf équivalent : "
    "on compte l'empreinte carbone de cette fabrication (facteurs ci-dessous).",
    "Déchets évités : le poids des matériels remis, pesés à l'atelier ; ils servent de nouveau au lieu de devenir "
    "des déchets. Un matériel sans poids enregistré n'est pas compté.",
    "C'est un ordre de grandeur : claviers, souris, onduleurs et câbles ne sont pas comptés faute de facteur "
    "retenu, ce qui minore l'estimation ; l'impact du reconditionnement lui-même (transport, pièces changées, "
    "énergie de l'atelier) n'est pas déduit, ce qui la majore.",
]


def impact_factors() -> dict[str, ImpactFactor]:
    return getattr(settings, "FILIERE_IMPACT_FACTORS", None) or DEFAULT_FACTORS
