"""Template helpers of the reports pages."""

from django import template

from safecommune.reports.selectors import is_reports_reader

register = template.Library()


@register.filter
def sees_reports(user) -> bool:
    """Whether the user may open the incident pages (staff of some commune or province)."""
    return is_reports_reader(user)
