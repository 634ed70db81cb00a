"""Settings come from the environment: DEBUG off, no secret in code, SQLite in WAL mode with
immediate transactions, ``check --deploy`` clean over HTTPS."""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

SRC = Path(__file__).resolve().parents[1] / "src" / "safecommune"
SAFECOMMUNE = Path(sys.executable).with_name("safecommune")

# Variables that would make a subprocess inherit this test run's configuration.
OWN_VARIABLES = ("DATABASE_URL", "SAFECOMMUNE_SECRET_KEY", "SAFECOMMUNE_DEBUG",
                 "SAFECOMMUNE_HTTPS", "SAFECOMMUNE_MAX_BODY_BYTES", "SAFECOMMUNE_VAR_DIR")


def clean_env(var_dir: Path, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    return {**environ, "SAFECOMMUNE_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "safecommune.settings", **env}


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
out = {"DEBUG": settings.DEBUG, "SECRET_KEY": settings.SECRET_KEY,
       "MAX_BODY": settings.SAFECOMMUNE_MAX_BODY_BYTES,
       "UPLOAD_MAX": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
       "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
       "HSTS": settings.SECURE_HSTS_SECONDS, "vendor": connection.vendor,
       "DB_NAME": str(settings.DATABASES["default"]["NAME"])}
if connection.vendor == "sqlite" and "--connect" in __import__("sys").argv:
    with connection.cursor() as cursor:
        out["journal_mode"] = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        out["foreign_keys"] = cursor.execute("PRAGMA foreign_keys").fetchone()[0]
        out["busy_timeout"] = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    out["transaction_mode"] = connection.transaction_mode
print(json.dumps(out))
"""


def probe(var_dir: Path, *args: str, **env: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], env=clean_env(var_dir, **env),
                            capture_output=True, text=True, timeout=60, cwd=var_dir.parent)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- DEBUG ---------------------------------------------------------------------------------

def test_debug_is_off_unless_asked(tmp_path):
    assert probe(tmp_path / "var")["DEBUG"] is False


@pytest.mark.parametrize("value,expected", [("1", True), ("true", True), ("on", True),
                                            ("0", False), ("no", False), ("", False)])
def test_debug_follows_the_environment(tmp_path, value, expected):
    assert probe(tmp_path / "var", SAFECOMMUNE_DEBUG=value)["DEBUG"] is expected


# --- the secret key ------------------------------------------------------------------------

def test_no_secret_key_is_written_in_the_code():
    assignments = [path for path in SRC.rglob("*.py")
                   if re.search(r"SECRET_KEY\s*=\s*[\"']", path.read_text(encoding="utf-8"))]
    assert assignments == []
    sources = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    assert django_settings.SECRET_KEY not in sources


def test_secret_key_is_generated_once_into_var_with_mode_0600(tmp_path):
    var_dir = tmp_path / "var"

    first = probe(var_dir)["SECRET_KEY"]
    second = probe(var_dir)["SECRET_KEY"]

    key_file = var_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first == second
    assert len(first) >= 50 and len(set(first)) >= 5


def test_secret_key_from_the_environment_wins_and_writes_no_file(tmp_path):
    var_dir = tmp_path / "var"
    key = secrets.token_urlsafe(50)

    assert probe(var_dir, SAFECOMMUNE_SECRET_KEY=key)["SECRET_KEY"] == key
    assert not (var_dir / "secret_key").exists()


def test_processes_creating_the_same_secret_at_once_agree_on_one(tmp_path):
    # Two web workers' first public submissions both ask for the receipt key; the second
    # used to fail with FileExistsError (a 500) or could read a half-written file.
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    src = str(Path(__file__).resolve().parents[1] / "src")
    script = ("import os, sys, time; os.environ['SAFECOMMUNE_VAR_DIR'] = sys.argv[1];\n"
              "from safecommune.settings import read_or_create_secret\n"
              "while time.time() < float(sys.argv[2]): pass\n"
              "print(read_or_create_secret('race-key', 'SAFECOMMUNE_NO_SUCH_VARIABLE'))")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFECOMMUNE_")}
    environ["PYTHONPATH"] = src
    start = f"{__import__('time').time() + 3:.3f}"
    runs = [subprocess.Popen([sys.executable, "-c", script, str(var_dir), start], env=environ,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(6)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err[-500:] for _out, err in outputs]
    values = {out.strip() for out, _err in outputs}
    assert values == {(var_dir / "race-key").read_text().strip()}
    assert stat.S_IMODE((var_dir / "race-key").stat().st_mode) == 0o600
    assert not [p.name for p in var_dir.iterdir() if p.name.startswith(".")]  # no drafts


def test_two_var_directories_get_different_keys(tmp_path):
    assert probe(tmp_path / "a")["SECRET_KEY"] != probe(tmp_path / "b")["SECRET_KEY"]


# --- request size --------------------------------------------------------------------------

def test_body_limit_comes_from_the_environment(tmp_path):
    default = probe(tmp_path / "var")
    custom = probe(tmp_path / "var", SAFECOMMUNE_MAX_BODY_BYTES="2048")
    assert default["MAX_BODY"] == default["UPLOAD_MAX"] == 1024 * 1024
    assert custom["MAX_BODY"] == custom["UPLOAD_MAX"] == 2048


# --- SQLite --------------------------------------------------------------------------------

def test_default_database_is_sqlite_in_var_with_wal_and_immediate_transactions(tmp_path):
    var_dir = tmp_path / "var"

    found = probe(var_dir, "--connect")

    assert found["vendor"] == "sqlite"
    assert Path(found["DB_NAME"]) == (var_dir / "safecommune.sqlite3").resolve()
    assert found["journal_mode"] == "wal"
    assert found["transaction_mode"] == "IMMEDIATE"
    assert found["foreign_keys"] == 1 and found["busy_timeout"] == 20000


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite options only")
def test_this_sqlite_connection_uses_immediate_transactions(db):
    options = django_settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


# --- HTTPS and check --deploy --------------------------------------------------------------

def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = clean_env(tmp_path / "var", SAFECOMMUNE_SECRET_KEY=secrets.token_urlsafe(60),
                        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}", **env)
    return subprocess.run([str(SAFECOMMUNE), "check", "--deploy", "--fail-level", "WARNING"],
                          env=environ, capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)


def test_check_deploy_is_clean_over_https(tmp_path):
    result = deploy_check(tmp_path, SAFECOMMUNE_HTTPS="1")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_https(tmp_path):
    result = deploy_check(tmp_path)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output


def test_https_turns_on_secure_cookies_and_hsts(tmp_path):
    plain = probe(tmp_path / "var")
    https = probe(tmp_path / "var", SAFECOMMUNE_HTTPS="1")
    assert (plain["SESSION_COOKIE_SECURE"], plain["HSTS"]) == (False, 0)
    assert https["SESSION_COOKIE_SECURE"] is True and https["HSTS"] >= 31536000
