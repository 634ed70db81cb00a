"""SafeCommune: grassroots public safety for Vietnamese communes."""

__version__ = "0.1.0"
