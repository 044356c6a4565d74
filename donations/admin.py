from django.contrib import admin

from donations.models import Donation, Donor


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name"]


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ["reference", "donor", "received_on", "announced_count"]
    list_select_related = ["donor"]
    search_fields = ["reference", "donor__name"]
