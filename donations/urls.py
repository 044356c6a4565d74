from django.urls import path

from donations import views
from donations.offers import views as offer_views

app_name = "donations"

urlpatterns = [
    path("", views.donation_list, name="list"),
    path("<int:pk>/", views.donation_detail, name="detail"),
    path("<int:pk>/attestation.pdf", views.receipt, name="receipt"),
    path("<int:pk>/certificat-effacement.pdf", views.erasure_certificate_view, name="erasure_certificate"),
    # Donation offers: the public form and the donor's private tracking link, then the staff queue.
    path("proposer/", offer_views.offer_create, name="offer_create"),
    path("suivi/<str:token>/", offer_views.offer_tracking, name="offer_tracking"),
    path("suivi/<str:token>/attestation.pdf", offer_views.offer_tracking_receipt, name="offer_tracking_receipt"),
    path(
        "suivi/<str:token>/certificat-effacement.pdf",
        offer_views.offer_tracking_certificate,
        name="offer_tracking_certificate",
    ),
    path("propositions/", offer_views.offer_list, name="offer_list"),
    path("propositions/<int:pk>/", offer_views.offer_detail, name="offer_detail"),
]
