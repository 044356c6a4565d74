from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Sécurité des accès"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from security.middleware import session_refreshed_at_login

        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="security.session_refreshed_at_login")
