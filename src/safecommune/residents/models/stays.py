"""Stays: notifications of stay, foreigners' declarations, accommodation guest registers."""

__all__: list[str] = []
