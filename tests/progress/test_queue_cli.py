"""``studyapp queue ... --json`` and ``studyapp today`` over the bundled content and a real data dir."""
from __future__ import annotations

import json

from studyapp.cli import main
from studyapp.content.loader import load_library
from studyapp.progress.exam import Exam
from studyapp.progress.scheduling import ReviewScheduler
from studyapp.progress.store import Store


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, out


def test_exam_mistakes_and_marked_items_reach_the_cli_queues(tmp_path, capsys):
    library = load_library()
    data = tmp_path / "data"
    items = [i for i in library.items() if not i.parameterized][:5]
    with Store.open(data) as store:
        reviews = ReviewScheduler(store)
        exam = Exam(items, recorder=reviews)
        for position, item in enumerate(items):
            exam.set_answer(position, {"single": 99, "multi": [99], "truefalse": None}.get(item.kind, "no such answer"))
        exam.set_answer(0, items[0].answer if items[0].kind != "numeric" else str(items[0].answer))
        report = exam.submit()
        store.set_bookmark(items[1].id)
    wrong = [r.item_id for r in report.items if r.answered and not r.correct]
    assert len(wrong) >= 3

    code, out = run(capsys, "queue", "mistakes", "--json", "--data-dir", str(data))
    assert code == 0
    listed = json.loads(out)
    assert listed["queue"] == "mistakes" and set(wrong) <= {row["id"] for row in listed["items"]}
    assert items[0].id not in {row["id"] for row in listed["items"]}

    code, out = run(capsys, "queue", "marked", "--json", "--data-dir", str(data))
    assert [row["id"] for row in json.loads(out)["items"]] == [items[1].id]

    code, out = run(capsys, "queue", "new", "--json", "--limit", "3", "--data-dir", str(data))
    assert json.loads(out)["count"] == 3

    code, out = run(capsys, "today", "--json", "--data-dir", str(data))
    plan = json.loads(out)
    assert code == 0 and plan["new_today"] == len([r for r in report.items if r.answered])
    assert plan["new"] == 20 - plan["new_today"]

    code, out = run(capsys, "queue", "weakest", "--data-dir", str(data))
    assert code == 0 and out.startswith("weakest:")


def test_unknown_queue_is_a_usage_error(tmp_path, capsys):
    assert main(["queue", "tomorrow", "--data-dir", str(tmp_path)]) == 2
