"""After a run: how to connect, and the dbt target for the generated database.

The password never appears: the URI leaves it out, and the dbt target reads it from the environment
variable the dbt project's own profiles template uses (POSTGRES_ANALYTICS_PASSWORD).
"""

from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from config import GeneratorConfig

PROFILE = "dbt_dental_models"  # the dbt project's name
TARGET = "demo"


def uri(config: GeneratorConfig) -> str:
    return f"postgresql://{config.db_user}@{config.db_host}:{config.db_port}/{config.db_name}"


def psql_command(config: GeneratorConfig) -> str:
    return f'psql "{uri(config)}"'


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


def profile_text(config: GeneratorConfig) -> str:
    stream = io.StringIO()
    _yaml().dump({PROFILE: {"target": TARGET, "outputs": {TARGET: target(config)}}}, stream)
    return stream.getvalue()


def write_profile(path: Path, config: GeneratorConfig) -> None:
    """Add (or replace) the demo target in a profiles.yml, creating the file when missing."""
    yaml = _yaml()
    document = yaml.load(path.read_text(encoding="utf-8")) if path.exists() else None
    if document is None:
        document = {}
    profile = document.setdefault(PROFILE, {})
    profile.setdefault("target", TARGET)
    profile.setdefault("outputs", {})[TARGET] = target(config)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(document, out)
