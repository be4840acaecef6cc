from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.content.loader import load_library

STARTER = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "starter.yaml"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDYAPP_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def starter_library():
    return load_library([STARTER])


@pytest.fixture
def store(tmp_path):
    from studyapp.progress.store import Store

    opened = Store.open(tmp_path / "progress")
    yield opened
    opened.close()


@pytest.fixture
def recorder(store):
    from studyapp.progress.scheduling import ReviewScheduler

    return ReviewScheduler(store)
