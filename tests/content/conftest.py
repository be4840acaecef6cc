from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
STARTER = FIXTURES / "starter.yaml"

# A minimal valid bank; tests break one line of it at a time. Line numbers matter.
MINIMAL = """\
bank:
  id: mini
  title: {en: Mini, ja: ミニ}
  languages: [en, ja]
sections:
  - id: s1
    title: {en: One, ja: 一}
    items:
      - id: mini-single
        kind: single
        material: concept
        prompt: {en: Pick B, ja: Bを選べ}
        choices:
          - text: A
          - text: B
        answer: 1
        explanation: {en: B is right, ja: Bが正しい}
      - id: mini-numeric
        kind: numeric
        material: practice_problem
        prompt: {en: Half of one, ja: 1の半分}
        answer: 0.5
        tolerance: {abs: 0.01}
        explanation: {en: One half, ja: 2分の1}
      - id: mini-cloze
        kind: cloze
        material: exercise_challenge
        code: python
        template: "y = np.{{1}}(x)"
        blanks:
          - accept: [tanh]
        explanation: {en: tanh, ja: tanh}
"""


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own bank cache so results never leak between tests."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(cache))
    return cache


def write_bank(directory: Path, text: str | bytes, name: str = "bank.yaml") -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
