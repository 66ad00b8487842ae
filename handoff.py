"""After a run: how to connect, and the dbt target for the generated database.

The password never appears: the URI leaves it out, and the dbt target reads it from the environment
variable the dbt project's own profiles template uses (POSTGRES_ANALYTICS_PASSWORD). For the embedded
server, whose password lives in a file (server.py), the psql line and the note on the dbt target read it
from that file when they run.
"""

from __future__ import annotations

import io
import os
import shlex
import subprocess
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

import server
from config import GeneratorConfig

PROFILE = "dbt_dental_models"  # the dbt project's name
TARGET = "demo"
PASSWORD_VARIABLE = "POSTGRES_ANALYTICS_PASSWORD"  # as in target()


def uri(config: GeneratorConfig) -> str:
    return f"postgresql://{config.db_user}@{config.db_host}:{config.db_port}/{config.db_name}"


def _password_file(config: GeneratorConfig, password_file: Path | None) -> Path | None:
    """The given password file, else the embedded server's when `config` points at it (None for other servers)."""
    return password_file or server.password_file_for(config)


def _read(path: Path) -> str:
    """A shell expression for the file's content, evaluated when the line runs: the secret is never printed."""
    if os.name == "nt":
        return "(Get-Content '{}')".format(str(path).replace("'", "''"))
    return f'"$(cat {shlex.quote(str(path))})"'


def export_command(variable: str, path: Path) -> str:
    """Set `variable` in the shell to the content of the password file at `path`."""
    if os.name == "nt":
        return f"$env:{variable} = {_read(path)}"
    return f"export {variable}={_read(path)}"


def psql_command(config: GeneratorConfig, password_file: Path | None = None) -> str:
    path = _password_file(config, password_file)
    if path is None:
        return f'psql "{uri(config)}"'
    if os.name == "nt":
        return f'{export_command("PGPASSWORD", path)}; psql "{uri(config)}"'
    return f'PGPASSWORD={_read(path)} psql "{uri(config)}"'  # for this command only, not the whole shell


def target(config: GeneratorConfig) -> dict:
    """A dbt-postgres output for the generated database (schemas as the dbt project expects, etl.md §4)."""
    return {
        "type": "postgres",
        "host": config.db_host,
        "port": config.db_port,
        "user": config.db_user,
        "password": "{{ env_var('POSTGRES_ANALYTICS_PASSWORD', '') }}",
        "dbname": config.db_name,
        "schema": "dbt",
        "threads": 4,
        "search_path": "$user, raw, staging, intermediate, marts, dbt_test__audit",
    }


def _target_with_note(config: GeneratorConfig, password_file: Path | None) -> dict:
    """target(), with a comment above the password naming the command that sets it, when it is in a file."""
    output = CommentedMap(target(config))
    path = _password_file(config, password_file)
    if path is not None:
        # indent 6: the keys of profile / outputs / target sit at that column in the dumped YAML
        note = f"before dbt: {export_command(PASSWORD_VARIABLE, path)}"
        output.yaml_set_comment_before_after_key("password", before=note, indent=6)
    return output


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, order and other targets of an existing file survive
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


class ProfileError(Exception):
    """--dbt-profile names a file that cannot be merged into; one line."""


def check_profile(path: Path) -> None:
    """Before the run: the folder exists and an existing file is a YAML mapping, so the write after it succeeds."""
    if not path.parent.is_dir():
        raise ProfileError(f"--dbt-profile {path}: folder {path.parent} does not exist; create it or pass another path")
    if path.is_dir():
        raise ProfileError(f"--dbt-profile {path} is a folder; pass the path of a profiles.yml file")
    if not path.exists():
        return
    try:
        document = _yaml().load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"--dbt-profile {path} cannot be read ({exc}); fix its permissions or pass another path") \
            from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ProfileError(f"--dbt-profile {path} is not valid YAML{where}; fix it or pass another path") from None
    if document is not None and not isinstance(document, dict):
        raise ProfileError(f"--dbt-profile {path} does not hold a mapping of profiles; fix it or pass another path")
    if document and not isinstance(document.get(PROFILE, {}), dict):
        raise ProfileError(f"--dbt-profile {path}: its {PROFILE} entry is not a mapping; fix it or pass another path")


def profile_text(config: GeneratorConfig, password_file: Path | None = None) -> str:
    stream = io.StringIO()
    _yaml().dump({PROFILE: {"target": TARGET, "outputs": {TARGET: _target_with_note(config, password_file)}}}, stream)
    return stream.getvalue()


def write_profile(path: Path, config: GeneratorConfig, password_file: Path | None = None) -> None:
    """Add (or replace) the demo target in a profiles.yml, creating the file when missing."""
    yaml = _yaml()
    document = yaml.load(path.read_text(encoding="utf-8")) if path.exists() else None
    if document is None:
        document = {}
    profile = document.setdefault(PROFILE, {})
    profile.setdefault("target", TARGET)
    profile.setdefault("outputs", {})[TARGET] = _target_with_note(config, password_file)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(document, out)


# --- python main.py server status|stop ---------------------------------------------------------------------------


def connect_hint(embedded: server.EmbeddedServer, port: int, dbname: str = "postgres") -> str:
    """How to connect with psql: the password is read from its file when the line runs, never printed."""
    config = GeneratorConfig(db_host=server.HOST, db_port=port, db_user=server.USER, db_name=dbname)
    return psql_command(config, embedded.password_file if embedded.password_file.exists() else None)


def server_command(args: list[str], out) -> int:
    """`python main.py server status|stop`: how to reach the embedded server, or stop it."""
    embedded = server.EmbeddedServer()
    action = args[0] if args else "status"
    if action == "status":
        status = embedded.status()
        if status and embedded.password_file.exists():
            where = f"{server.HOST}:{status.port}"
            print(f"embedded PostgreSQL in {embedded.data}: running (process {status.pid}) on {where}; "
                  f"connect with: {connect_hint(embedded, status.port)}", file=out)
        elif status:
            where = f"{server.HOST}:{status.port}"
            print(f"embedded PostgreSQL in {embedded.data}: running (process {status.pid}) on {where} "
                  f"without a password (made by an older version); the next generator run gives it one", file=out)
        else:
            print(f"embedded PostgreSQL in {embedded.data}: not running", file=out)
        return 0
    if action == "stop":
        try:
            stopped = embedded.stop()
        except subprocess.CalledProcessError:
            print("error: the embedded PostgreSQL did not stop; see its log in .pgdata/log", file=out)
            return 2
        print(f"embedded PostgreSQL in {embedded.data}: {'stopped' if stopped else 'was not running'}", file=out)
        return 0
    print(f"error: unknown server command {action!r}; use `python main.py server status` or `server stop`", file=out)
    return 2
