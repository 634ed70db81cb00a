"""The ``safecommune`` command: SafeCommune's own subcommands (territory, demo, serve, worker)
are Django management commands, so every other Django command works the same way."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommune.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "safecommune"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
