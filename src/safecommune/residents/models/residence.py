"""Residence records: permanent and temporary residence, renewals, temporary absence."""

__all__: list[str] = []
