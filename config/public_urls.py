"""The only pages open without logging in; everything else requires an account (LoginRequiredMiddleware).

A view opts out of the login with @login_not_required; it must then be listed here, with the reason it is public.
tests/security/test_url_walk.py walks every URL pattern (apps, admin, any added later) and fails when a view is
public without being listed, when a listed page asks for a login, or when one view serves a public and a private
URL.
"""

# URL name -> why it is public.
PUBLIC_URL_NAMES = {
    "home": "Accueil public : le programme, comment en bénéficier, qui contacter.",
    "accounts:login": "Connexion à l'espace professionnel (verrouillage après échecs, puis double authentification).",
    "admin:login": "Connexion de l'atelier : même contrôle que la page de connexion, puis double authentification.",
    "donations:offer_create": "Formulaire public « Donner du matériel » (limité par adresse, champ piège à robots).",
    "donations:offer_tracking": "Suivi d'un don par son lien privé (jeton secret ; 404 pour un jeton inconnu).",
    "donations:offer_tracking_receipt": "Attestation de prise en charge, par le même lien privé.",
    "donations:offer_tracking_certificate": "Certificat d'effacement, par le même lien privé.",
}

# Opened by a token instead of a session (the Workbench's snapshot upload): no login page, no session, no CSRF
# token. Without a valid token they answer 401 in JSON, never a page. URL name -> what opens it.
TOKEN_URL_NAMES = {
    "api:snapshot": "Envoi d'un rapport matériel par le Workbench (jeton Workbench, en-tête Authorization: Bearer).",
    "api:snapshot_without_slash": "La même adresse sans la barre finale (le Workbench renverrait tout le corps).",
}

# Served before any view (WhiteNoise): the static files (CSS, JavaScript, images), nothing personal.
PUBLIC_PATH_PREFIXES = ("/static/",)
