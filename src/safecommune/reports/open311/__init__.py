"""Open311 GeoReport v2 at ``/open311/v2/`` (issue 5, item 7; docs/decisions/0019-open311.md).

Existing civic-reporting clients list the categories open to the public, submit reports with a
per-client API key, and read back a coarse public view of public reports. Every write goes
through the reports services; this app adds only what Open311 needs on top: client keys, the
per-category publication policy and the Open311 extras of a submission (media URL text)."""
