"""Bank loading throughput: 1,000 vs 10,000 items, cold (YAML) vs warm (JSON cache).

Targets (issue 2): items/s of the two sizes within 25% of each other (linear
scaling), and a cached second load at least 20x faster than the first.

    python bench/load_banks.py
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ITEM_TEMPLATES = [
    """      - id: gen-{n}-single
        kind: single
        material: practice_problem
        tags: [gru, generated]
        prompt: {{en: "Question {n}: how many gates does a GRU have?", ja: "問題 {n}: GRU のゲートはいくつか。"}}
        choices:
          - text: "1"
            feedback: {{en: "Too few.", ja: "少なすぎます。"}}
          - text: "2"
          - text: "3"
        answer: 1
        explanation: {{en: "Reset and update: $2$.", ja: "リセットと更新の $2$ つ。"}}
""",
    """      - id: gen-{n}-numeric
        kind: numeric
        material: confirmation_test
        tags: [lstm]
        prompt: {{en: "Item {n}: max of $\\\\sigma'(x)$?", ja: "問題 {n}: $\\\\sigma'(x)$ の最大値は？"}}
        answer: 0.25
        tolerance: {{abs: 0.001}}
        explanation: {{en: "At $x=0$.", ja: "$x=0$ のとき。"}}
""",
    """      - id: gen-{n}-cloze
        kind: cloze
        material: exercise_challenge
        code: python
        template: |
          h_next = (1 - z) * h_prev + {{{{1}}}} * h_tilde  # {n}
        blanks:
          - accept: [z]
        explanation: {{en: "The update gate.", ja: "更新ゲート。"}}
""",
]


def make_bank(count: int) -> str:
    parts = [
        "bank:\n  id: gen\n  title: {en: Generated, ja: 生成}\n  languages: [en, ja]\n",
        "sections:\n  - id: gen\n    title: {en: Generated, ja: 生成}\n    items:\n",
    ]
    parts += [ITEM_TEMPLATES[n % len(ITEM_TEMPLATES)].format(n=n) for n in range(count)]
    return "".join(parts)


def timed_load(directory: Path) -> tuple[float, float, int, int]:
    """Seconds to load (items are built lazily), seconds to then build every item, counts."""
    from studyapp.content.loader import load_library

    start = time.perf_counter()
    library = load_library([directory])
    loaded = time.perf_counter()
    items = library.items()
    built = time.perf_counter()
    return loaded - start, built - loaded, len(items), len(library.problems)


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["STUDYAPP_CACHE_DIR"] = str(Path(tmp) / "cache")
        # Warm imports and registries so neither size pays for them.
        warm = Path(tmp) / "warm"
        warm.mkdir()
        (warm / "bank.yaml").write_text(make_bank(30), encoding="utf-8")
        timed_load(warm)
        for count in (1_000, 10_000):
            directory = Path(tmp) / f"n{count}"
            directory.mkdir()
            (directory / "bank.yaml").write_text(make_bank(count), encoding="utf-8")
            cold, cold_build, items, problems = timed_load(directory)
            warm_time, warm_build, items_again, _ = timed_load(directory)
            assert items == items_again == count and problems == 0, (items, problems)
            rates[count] = count / cold
            print(f"{count:>6} items: first load {cold * 1000:8.1f} ms = {count / cold:9.0f} items/s; "
                  f"cached load {warm_time * 1000:7.1f} ms = {count / warm_time:9.0f} items/s; speed-up {cold / warm_time:5.1f}x")
            print(f"{'':>6}        then building every item object: {warm_build * 1000:6.1f} ms "
                  f"(first load + build {1000 * (cold + cold_build):7.1f} ms vs cached + build {1000 * (warm_time + warm_build):7.1f} ms: "
                  f"{(cold + cold_build) / (warm_time + warm_build):4.1f}x)")
    ratio = rates[1_000] / rates[10_000]
    print(f"linearity: items/s at 1,000 / items/s at 10,000 = {ratio:.2f} (target within 0.80..1.25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
