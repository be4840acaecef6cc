"""Set for every test run: Qt draws offscreen unless the caller chose a platform, so ``pytest``
works on a headless machine as the README writes it. Must run before anything imports Qt."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import importlib.util  # noqa: E402

import pytest  # noqa: E402

if importlib.util.find_spec("pytestqt") is None:  # the core-only runs (.ci/core_tests.sh) install no Qt

    @pytest.fixture
    def qtbot():
        pytest.skip("pytest-qt is not installed (a core-only run): this test opens screens")
