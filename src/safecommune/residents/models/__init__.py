"""Residence records, one module per part: people and households (and their photos),
residence records and absences, stays and foreigners."""

from safecommune.residents.models.people import *  # noqa: F401,F403
from safecommune.residents.models.photos import *  # noqa: F401,F403
from safecommune.residents.models.residence import *  # noqa: F401,F403
from safecommune.residents.models.stays import *  # noqa: F401,F403
