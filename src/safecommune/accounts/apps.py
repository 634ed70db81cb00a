from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "safecommune.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from safecommune.accounts import signals  # noqa: F401
