"""Set for every test run: Qt draws offscreen unless the caller chose a platform, so ``pytest``
works on a headless machine as the README writes it. Must run before anything imports Qt."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
