"""The ``safecommune`` command: its own subcommands, and Django's for everything else."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safecommune.territory.models import CommuneSettings, Place, Village

SAFECOMMUNE = Path(sys.executable).with_name("safecommune")


def run(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run the installed ``safecommune`` in a throw-away var directory and SQLite file."""
    environ = {**os.environ, "SAFECOMMUNE_VAR_DIR": str(tmp_path / "var"),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", **env}
    return subprocess.run([str(SAFECOMMUNE), *args], env=environ, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)


def test_django_commands_run_through_safecommune(tmp_path):
    result = run("check", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_unknown_command_fails_and_says_so(tmp_path):
    result = run("nosuchcommand", tmp_path=tmp_path)

    assert result.returncode != 0
    assert "Unknown command: 'nosuchcommand'" in result.stderr
    assert "safecommune help" in result.stderr


def test_help_lists_safecommune_own_commands(tmp_path):
    result = run("help", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    for name in ("territory", "demo", "serve", "worker", "migrate"):
        assert re.search(rf"^\s+{name}$", result.stdout, re.MULTILINE), name


def test_python_dash_m_safecommune_is_the_same_command(tmp_path):
    environ = {**os.environ, "SAFECOMMUNE_VAR_DIR": str(tmp_path / "var"),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    result = subprocess.run([sys.executable, "-m", "safecommune", "check"], env=environ,
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_territory_without_an_action_is_a_usage_error(tmp_path):
    result = run("territory", tmp_path=tmp_path)

    assert result.returncode != 0
    assert "required: action" in result.stderr
    assert "load" in result.stderr and "import-boundaries" in result.stderr


def test_territory_without_an_action_raises_command_error_in_process(db):
    with pytest.raises(CommandError, match="action"):
        call_command("territory")


def test_import_boundaries_needs_a_file(db):
    with pytest.raises(CommandError, match="file"):
        call_command("territory", "import-boundaries")


def demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return Village.objects.count(), Place.objects.count(), CommuneSettings.objects.count()


def test_demo_twice_changes_nothing_the_second_time(db):
    first_output = demo()
    after_first = counts()

    second_output = demo()

    assert counts() == after_first
    assert after_first[0] >= 36 and after_first[1] > 0 and after_first[2] == 9
    assert "0 villages and 0 places added" in second_output
    assert "Xã Ia Krái" in first_output


def test_demo_prints_the_admin_login_and_keeps_the_password(db, settings):
    first = re.search(r"Demo admin \((created|existing)\): admin / (\S+)", demo())
    second = re.search(r"Demo admin \((created|existing)\): admin / (\S+)", demo())

    assert first and second
    assert second.group(1) == "existing"
    assert first.group(2) == second.group(2)
    password_file = settings.VAR_DIR / "demo-admin-password"
    assert password_file.read_text().strip() == first.group(2)
    assert password_file.stat().st_mode & 0o777 == 0o600

    from django.contrib.auth import get_user_model
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(first.group(2))


def test_demo_creates_every_persona_once_with_working_tokens(db, capsys):
    from django.core.management import call_command

    from safecommune.accounts.models import ApiToken, RoleAssignment, User
    from safecommune.accounts.tokens import token_authenticate

    call_command("demo")
    first = capsys.readouterr().out
    call_command("demo")
    second = capsys.readouterr().out
    logins = [line.split(" · ")[0].strip() for line in first.splitlines()
              if line.startswith("  ") and " / sc_" in line]
    assert len(logins) == 9 * 4 + 4 + 1
    assert sorted(logins) == sorted(line.split(" · ")[0].strip() for line in second.splitlines()
                                    if line.startswith("  ") and " / sc_" in line)
    username, _password, token = logins[0].split(" / ")
    assert token_authenticate(token) == User.objects.get(username=username)
    assert ApiToken.objects.count() == len(logins)
    assert RoleAssignment.objects.filter(user__username="iakrai.officer",
                                         role="commune_officer",
                                         unit__code="23776").exists()
    assert RoleAssignment.objects.filter(user__username="quangtri.admin",
                                         role="province_admin", unit__code="44").exists()
