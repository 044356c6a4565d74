from django.urls import path

from distributions.events import printing as document_views
from distributions.events import views

app_name = "distributions"

invitation = "<int:pk>/invitations/<int:invitation_id>"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("nouveau/", views.event_create_view, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/modifier/", views.event_edit, name="edit"),
    path("<int:pk>/programmer/", views.event_action, {"action": "programmer"}, name="schedule"),
    path("<int:pk>/clore/", views.event_action, {"action": "clore"}, name="close"),
    path("<int:pk>/annuler/", views.event_action, {"action": "annuler"}, name="cancel"),
    path("<int:pk>/inviter/", views.event_invite, name="invite"),
    path("<int:pk>/attribution/", views.event_allocate, name="allocate"),
    path("<int:pk>/attribution/automatique/", views.event_allocate_auto, name="allocate_auto"),
    path("<int:pk>/accueil/", views.event_day, name="day"),
    path("<int:pk>/fiches.pdf", document_views.handover_sheets, name="sheets"),
    path("<int:pk>/fiches/arriere-plan/", document_views.handover_sheets_background, name="sheets_background"),
    path("<int:pk>/fiches/<int:invitation_id>.pdf", document_views.handover_sheet, name="sheet"),
    path("<int:pk>/emargement.pdf", document_views.checkin_list, name="checkin_list"),
    path("<int:pk>/convocations.pdf", document_views.invitation_letters, name="letters"),
    path("<int:pk>/convocations/<int:invitation_id>.pdf", document_views.invitation_letter, name="letter"),
    path(f"{invitation}/pack/", views.invitation_allocate, name="invitation_allocate"),
    path(f"{invitation}/pack/retirer/", views.invitation_release, name="invitation_release"),
    path(f"{invitation}/retirer/", views.invitation_withdraw_view, name="invitation_withdraw"),
    path(f"{invitation}/reponse/", views.invitation_answer, name="invitation_answer"),
    path(f"{invitation}/pointage/", views.invitation_check_in_view, name="invitation_check_in"),
    path(f"{invitation}/remise/", views.invitation_handover, name="invitation_handover"),
    path(f"{invitation}/fiche-signee/", views.invitation_sheet_signed, name="invitation_sheet_signed"),
    path(f"{invitation}/prise-en-main/", views.invitation_onboarding, name="invitation_onboarding"),
]
