"""Incidents and the hotline, one module per part: the category vocabulary, the workflow,
incidents with their timeline and outcomes, intake (reports, reporters, hotline calls) and
what reports carry (photos, additions)."""

from safecommune.reports.models.attachments import *  # noqa: F401,F403
from safecommune.reports.models.categories import *  # noqa: F401,F403
from safecommune.reports.models.incidents import *  # noqa: F401,F403
from safecommune.reports.models.intake import *  # noqa: F401,F403
from safecommune.reports.models.workflow import *  # noqa: F401,F403
