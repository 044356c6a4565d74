"""Authenticator apps and backup codes are managed on the pages (enrolment, reset by coordination), never in the
admin: django-otp's device admin would show a superuser anyone's secret key as a QR code."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
