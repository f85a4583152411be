"""Runner tests that call `Runner` in the test process share one project folder (so one dev
server) per module: Runner uses the working folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner import dev_server


@pytest.fixture(scope="module")
def working_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder, before = tmp_path_factory.mktemp("project"), Path.cwd()
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("TEMPORAL_")}
    os.chdir(folder)
    yield folder
    os.chdir(before)
    os.environ.update(saved)
    dev_server.stop(folder)
