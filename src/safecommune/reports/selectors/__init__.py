"""Reads of the reports app: one scoping function per entity, for pages, API and exports."""

from safecommune.reports.selectors.duplicates import (
    bounding_box,
    duplicate_rule,
    incident_duplicates,
)
from safecommune.reports.selectors.incidents import (
    IncidentFilters,
    assignable_officers,
    incident_filters,
    incident_get_for,
    incident_list,
    incident_outcomes,
    incident_reports,
    incident_timeline,
    incident_visible_to,
    is_reports_reader,
    may_read_reporter,
    may_read_reporters,
    tip_counts,
    tips_due,
    tips_overdue,
)
from safecommune.reports.selectors.intake import (
    PROTECTED_CALL_KINDS,
    call_named,
    caller_shown,
    category_list,
    hotline_call_get_for,
    hotline_calls_on,
    hotline_calls_visible_to,
    report_get_for,
    report_named,
    report_visible_to,
)

__all__ = ["IncidentFilters", "PROTECTED_CALL_KINDS", "assignable_officers", "bounding_box",
           "call_named", "caller_shown", "category_list", "duplicate_rule",
           "hotline_call_get_for", "hotline_calls_on", "hotline_calls_visible_to",
           "incident_duplicates", "incident_filters", "incident_get_for", "incident_list",
           "incident_outcomes", "incident_reports", "incident_timeline", "incident_visible_to",
           "is_reports_reader", "may_read_reporter", "may_read_reporters", "report_get_for",
           "report_named", "report_visible_to", "tip_counts", "tips_due", "tips_overdue"]
