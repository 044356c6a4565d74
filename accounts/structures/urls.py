from django.urls import path

from accounts.structures import views

app_name = "structures"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("nouvelle/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/modifier/", views.organisation_update, name="update"),
    path("<int:pk>/desactiver/", views.organisation_deactivate, name="deactivate"),
    path("<int:pk>/reactiver/", views.organisation_reactivate, name="reactivate"),
    path("<int:pk>/membres/nouveau/", views.member_create, name="member_create"),
    path("<int:pk>/membres/<int:member_pk>/desactiver/", views.member_deactivate, name="member_deactivate"),
    path("<int:pk>/membres/<int:member_pk>/reactiver/", views.member_reactivate, name="member_reactivate"),
    path("<int:pk>/membres/<int:member_pk>/debloquer/", views.member_unlock, name="member_unlock"),
    path(
        "<int:pk>/membres/<int:member_pk>/double-authentification/",
        views.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
]
