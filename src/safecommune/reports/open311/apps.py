from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "safecommune.reports.open311"
    label = "open311"
    verbose_name = _("Open311 reporting interface")

    def ready(self):
        from safecommune.core.middleware import refusal_renderer
        from safecommune.reports.open311.formats import error

        def render(request, status: int, message: str):
            return error("xml" if request.path.lower().endswith(".xml") else "json", status,
                         message)

        # Oversize or garbled bodies are refused before any view, in Open311's error shape.
        refusal_renderer("/open311/", render)
