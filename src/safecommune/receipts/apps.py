from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    name = "safecommune.receipts"
    verbose_name = _("Public receipts")
