from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_db
from wxbot.stack import Stack, model_ready, running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not model_ready():
        pytest.skip("no trained model for the current data: run `make test` (it trains first)")
    workdir: Path = tmp_path_factory.mktemp("stack")
    url = make_db(workdir / "app.db")
    with running_stack(workdir, url) as running:
        yield running
