"""`docker-compose.temporal.yml` is valid Compose and keeps its promises (no Docker engine here,
so the file is checked against the Compose Specification's JSON schema instead of run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

COMPOSE_FILE = Path(__file__).resolve().parents[2] / "docker-compose.temporal.yml"
CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_matches_the_compose_specification() -> None:
    done = _validate(COMPOSE_FILE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_catches_mistakes(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        COMPOSE_FILE.read_text().replace("condition: service_healthy", "condition: healthy", 1)
    )
    assert _validate(broken).returncode != 0


def test_services_versions_health_checks_and_volume(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgresql", "temporal", "temporal-ui", "temporal-admin-tools"}
    for name, service in services.items():
        tag = service["image"].partition(":")[2]
        assert tag and tag != "latest" and tag[0].isdigit(), f"{name} must pin a version"
        assert service["healthcheck"]["test"], f"{name} needs a health check"
    assert services["temporal"]["image"].startswith("temporalio/auto-setup:")
    for name in ("temporal", "temporal-ui", "temporal-admin-tools"):
        for dependency in services[name]["depends_on"].values():
            assert dependency["condition"] == "service_healthy"
    volume = services["postgresql"]["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert "7233:7233" in services["temporal"]["ports"]
