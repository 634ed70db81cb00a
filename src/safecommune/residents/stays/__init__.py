"""Stays and foreigners: notifications of stay, foreigners' declarations, guest registers."""
