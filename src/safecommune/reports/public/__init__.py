"""Reporting without an account (issue 5, items 2 and 3; docs/decisions/0020-public-reports.md).

A resident sends a report, with photos and optionally a name and phone, from the commune's
public page or the API; the public-receipts service gives a code and a secret to follow the
report and add to it. Nothing about the sender's connection is kept. Staff see the report, its
photos and additions, and the incidents it likely repeats, on the report's page.
"""
