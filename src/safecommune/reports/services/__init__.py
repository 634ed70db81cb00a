"""Writes of the reports app: every one a transaction with its audit entry."""

from safecommune.reports.services.alerts import tip_forward_alerts_raise
from safecommune.reports.services.categories import category_save
from safecommune.reports.services.incidents import (
    incident_assign,
    incident_create,
    incident_note_add,
    incident_outcome_add,
    incident_transition,
)
from safecommune.reports.services.intake import (
    hotline_call_log,
    hotline_call_to_incident,
    hotline_callers_read,
    incident_open_from_report,
    report_create,
    report_link_to_incident,
    report_record,
    reporter_identities_read,
)

__all__ = ["category_save", "hotline_call_log", "hotline_call_to_incident",
           "hotline_callers_read", "incident_assign", "incident_create", "incident_note_add",
           "incident_open_from_report",
           "incident_outcome_add", "incident_transition", "report_create",
           "report_link_to_incident", "report_record", "reporter_identities_read", "tip_forward_alerts_raise"]
