"""Residence records, absences and their work lists (issue 4, items 2 and 4)."""
