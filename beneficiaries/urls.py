from django.urls import path

from beneficiaries import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("nouveau/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/modifier/", views.household_edit, name="edit"),
    path("<int:pk>/renouveler/", views.household_renew, name="renew"),
    path("<int:pk>/derogation/", views.household_override, name="override"),
]
