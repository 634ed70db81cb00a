# Vietnamese writes 29.800 for twenty-nine thousand eight hundred; Django's own vi formats
# define the separator but no grouping, so numbers came out ungrouped.
from django.conf.locale.vi.formats import *  # noqa: F401,F403

NUMBER_GROUPING = 3
