"""Import and export of households and persons (issue 4, item 6; docs/decisions/0013-imports.md).

``columns``: the documented column set and how one row's values are read; ``reading``: CSV and
XLSX rows with their line numbers; ``importing``: validate all rows, then write them in bulk,
as a background task; ``exporting``: a scoped, filtered list streamed as CSV or XLSX.
"""
