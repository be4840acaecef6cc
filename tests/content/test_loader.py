"""The loader reports every author mistake at the right place and keeps the rest usable."""
from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.content.loader import load_library, parse_bank_text
from tests.content.conftest import MINIMAL, STARTER, write_bank


def with_line(line: int, new: str, text: str = MINIMAL) -> str:
    """MINIMAL with 1-based ``line`` replaced by ``new`` (which may hold several lines)."""
    lines = text.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


def insert_after(line: int, new: str, text: str = MINIMAL) -> str:
    lines = text.splitlines()
    lines.insert(line, new)
    return "\n".join(lines) + "\n"


def problems_of(tmp_path: Path, text: str | bytes) -> list[str]:
    write_bank(tmp_path, text)
    return [str(p) for p in load_library([tmp_path]).problems]


def test_minimal_bank_is_valid(tmp_path: Path) -> None:
    write_bank(tmp_path, MINIMAL)
    library = load_library([tmp_path])
    assert library.problems == []
    assert [i.id for i in library.items()] == ["mini-single", "mini-numeric", "mini-cloze"]


def test_starter_bank_loads_every_kind() -> None:
    library = load_library([STARTER])
    assert library.problems == []
    kinds = {item.kind for item in library.items()}
    assert kinds == {"single", "multi", "truefalse", "numeric", "text", "cloze", "code"}
    gate = library.item("starter-gru-gate-count")
    assert gate is not None and gate.prompt.get("ja").startswith("GRU")
    assert gate.languages == {"en", "ja"}
    assert library.exercise("starter_gru_cell_forward").reference == "gru_cell_forward"


# (name, bank text, line, column or None, fragment of the message)
AUTHOR_MISTAKES = [
    ("yaml syntax", with_line(12, "        prompt: {en: Pick B, ja: Bを選べ"), 13, None, "YAML syntax error"),
    ("duplicate key", insert_after(16, "        answer: 0"), 17, 9, "duplicate key 'answer' (first given on line 16)"),
    ("unknown key", with_line(16, "        anwser: 1"), 16, 9, "unknown key 'anwser' (did you mean 'answer'?)"),
    ("wrong type", insert_after(11, "        difficulty: hard"), 12, 21, "expected an integer, got text"),
    ("difficulty out of range", insert_after(11, "        difficulty: 9"), 12, 21, "must be at most 5"),
    ("missing language", with_line(12, "        prompt: {en: Pick B}"), 12, 17, "missing language 'ja'"),
    ("unknown language", with_line(12, "        prompt: {en: Pick B, jp: Bを選べ}"), 12, 30, "unknown language 'jp'"),
    ("answer out of range", with_line(16, "        answer: 2"), 16, 17, "answer index 2 is out of range: there are 2 choices"),
    ("negative tolerance", with_line(23, "        tolerance: {abs: -0.01}"), 23, 26, "must be at least 0"),
    ("blank without answer", with_line(31, "          - case_sensitive: true"), 31, 13, "blank 1 needs either 'options' with 'answer' or 'accept'"),
    ("blank numbering", with_line(29, '        template: "y = np.{{2}}(x)"'), 29, 19, "has blanks [2] but 1 blank(s) are defined"),
    ("unknown kind", with_line(10, "        kind: singel"), 10, 15, "'singel' is not one of"),
    ("missing explanation", with_line(17, "        shuffle: false"), 9, 9, "missing required key 'explanation'"),
    ("bad id", with_line(9, "      - id: Mini Single"), 9, 13, "does not match the pattern"),
    ("python tag", with_line(16, "        answer: !!python/object/apply:os.system ['echo hacked']"), 16, 17, "is not allowed"),
    ("custom tag", with_line(22, "        answer: !secret 0.5"), 22, 17, "tag '!secret' is not allowed"),
    ("numeric answer as text", with_line(22, "        answer: half"), 22, 17, "expected a number, got text"),
    ("invalid regex", insert_after(31, "            regex: ['(']"), 31, 13, "invalid regex '('"),
    ("unknown generator", insert_after(22, "        params: {n: {range: [1, 3]}}\n        generator: no_such_function").replace("        answer: 0.5\n", ""), 23, 20, "unknown answer function 'no_such_function'"),
    ("empty range", insert_after(22, "        params: {n: {range: [5, 3]}}\n        generator: conv_output_size").replace("        answer: 0.5\n", ""), 22, 29, "range [5, 3] is empty"),
    ("languages missing in header", with_line(4, "  order: 3"), 2, 3, "missing required key 'languages'"),
    ("anchors", with_line(12, "        prompt: &p {en: Pick B, ja: Bを選べ}").replace("prompt: {en: Half of one, ja: 1の半分}", "prompt: *p"), 21, 17, "aliases (*name) are not supported"),
    ("list expected", with_line(13, "        choices: A or B", with_line(14, "        # A", with_line(15, "        # B"))), 13, 18, "expected a list, got text"),
    ("multi duplicate", with_line(10, "        kind: multi").replace("answer: 1\n", "answer: [1, 1]\n"), 16, 17, "listed twice"),
]


@pytest.mark.parametrize(("name", "text", "line", "column", "fragment"), AUTHOR_MISTAKES, ids=[m[0] for m in AUTHOR_MISTAKES])
def test_author_mistake_reported_at_its_line(tmp_path: Path, name: str, text: str, line: int, column: int | None, fragment: str) -> None:
    problems = problems_of(tmp_path, text)
    assert problems, f"{name}: no problem reported"
    matching = [p for p in problems if fragment in p]
    assert matching, f"{name}: {fragment!r} not in {problems}"
    path, got_line, got_column, _ = matching[0].split(":", 3)
    assert path.endswith("bank.yaml")
    assert int(got_line) == line, matching[0]
    if column is not None:
        assert int(got_column) == column, matching[0]


def test_at_least_fifteen_distinct_mistakes() -> None:
    assert len({m[4] for m in AUTHOR_MISTAKES}) >= 15


def test_python_object_apply_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = with_line(16, f"        answer: !!python/object/apply:os.system ['touch {marker}']")
    problems = problems_of(tmp_path, text)
    assert any("python/object/apply" in p for p in problems)
    assert not marker.exists()


def test_empty_and_blank_files(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "") == [f"{tmp_path / 'bank.yaml'}:1:1: the file is empty"] or problems_of(tmp_path, "")[0].endswith(
        "bank.yaml:1:1: the file is empty"
    )
    assert problems_of(tmp_path, "# only a comment\n")[0].endswith(":1:1: the file is empty")


def test_non_utf8_file_reports_the_byte_position(tmp_path: Path) -> None:
    data = MINIMAL.replace("ja: Bを選べ", "ja: XX").encode("utf-8").replace(b"XX", "Bを選べ".encode("shift_jis"))
    problems = problems_of(tmp_path, data)
    assert len(problems) == 1
    assert ":12:" in problems[0] and "not valid UTF-8" in problems[0]


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert "expected a mapping, got a list" in problems_of(tmp_path, "- a\n- b\n")[0]


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = with_line(16, "        answer: 7")
    text = with_line(23, "        tolerance: {abs: -1}", text)
    text = with_line(10, "        kind: nope", text)  # the whole item becomes invalid, reported once
    problems = problems_of(tmp_path, text)
    assert len(problems) == 2
    assert any(":10:" in p for p in problems) and any(":23:" in p for p in problems)


def test_broken_item_drops_only_that_item(tmp_path: Path) -> None:
    write_bank(tmp_path, with_line(16, "        answer: 7"))
    library = load_library([tmp_path])
    assert [i.id for i in library.items()] == ["mini-numeric", "mini-cloze"]
    assert len(library.problems) == 1


def test_broken_bank_does_not_stop_others(tmp_path: Path) -> None:
    write_bank(tmp_path, "bank: [unclosed\n", name="a_broken.yaml")
    write_bank(tmp_path, MINIMAL, name="b_good.yaml")
    library = load_library([tmp_path])
    assert [b.id for b in library.banks] == ["mini"]
    assert len(library.problems) == 1 and "a_broken.yaml:" in str(library.problems[0])


def test_duplicate_id_across_banks(tmp_path: Path) -> None:
    write_bank(tmp_path, MINIMAL, name="a.yaml")
    other = MINIMAL.replace("id: mini\n", "id: mini2\n", 1).replace("mini-numeric", "other-numeric").replace("mini-cloze", "other-cloze")
    write_bank(tmp_path, other, name="b.yaml")
    library = load_library([tmp_path])
    problems = [str(p) for p in library.problems]
    assert len(problems) == 1
    assert problems[0].startswith(str(Path(problems[0].split(":")[0]))) and "b.yaml:9:9: duplicate item id 'mini-single'" in problems[0]
    assert "a.yaml:9:9" in problems[0]
    assert len(library.items()) == 5


def test_code_item_must_point_at_a_known_exercise(tmp_path: Path) -> None:
    text = MINIMAL + (
        "      - id: mini-code\n"
        "        kind: code\n"
        "        material: exercise_challenge\n"
        "        exercise: no_such_exercise\n"
        "        explanation: {en: x, ja: x}\n"
    )
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1 and ":33:9: item 'mini-code' refers to unknown exercise 'no_such_exercise'" in problems[0]


def test_exercise_reference_and_mistakes_are_checked(tmp_path: Path) -> None:
    text = STARTER.read_text(encoding="utf-8").replace("reference: gru_cell_forward", "reference: gru_cell_forwrd")
    problems = problems_of(tmp_path, text)
    assert any("unknown reference cell 'gru_cell_forwrd'" in p for p in problems)
    text = STARTER.read_text(encoding="utf-8").replace("- id: gru_update_swapped", "- id: lstm_no_forget")
    problems = problems_of(tmp_path, text)
    assert any("mistake 'lstm_no_forget' is a mutant of 'lstm_cell_forward', not of 'gru_cell_forward'" in p for p in problems)


def test_unresolved_placeholder_in_parameterized_item(tmp_path: Path) -> None:
    text = STARTER.read_text(encoding="utf-8").replace("$3(DH + H^2 + H) = {{answer}}$.", "$3(DH + H^2 + H) = {{answr}}$.")
    problems = problems_of(tmp_path, text)
    assert any("placeholder {{answr}} is neither a parameter nor a value" in p for p in problems)


def test_missing_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    library = load_library([tmp_path / "nope"])
    assert library.banks == [] and "no such file or directory" in str(library.problems[0])


def test_parse_returns_plain_json_data() -> None:
    import json

    data, problems = parse_bank_text(MINIMAL.encode())
    assert problems == []
    assert json.loads(json.dumps(data)) == data


def test_content_hash_changes_only_with_the_item(tmp_path: Path) -> None:
    write_bank(tmp_path, MINIMAL)
    before = {i.id: i.content_hash for i in load_library([tmp_path]).items()}
    write_bank(tmp_path, with_line(22, "        answer: 0.75"))
    after = {i.id: i.content_hash for i in load_library([tmp_path]).items()}
    assert before["mini-single"] == after["mini-single"]
    assert before["mini-numeric"] != after["mini-numeric"]


# --- one bank never stops the others (issue 16) ----------------------------------------------


@pytest.mark.parametrize("key", ["order", "difficulty", "answer"])
def test_integer_of_more_than_4300_digits_is_a_problem_at_its_value(tmp_path: Path, key: str) -> None:
    big = "9" * 5000
    text = {
        "order": with_line(4, f"  languages: [en, ja]\n  order: {big}"),
        "difficulty": insert_after(11, f"        difficulty: {big}"),
        "answer": with_line(16, f"        answer: {big}"),
    }[key]
    write_bank(tmp_path, text, name="a_big.yaml")
    write_bank(tmp_path, MINIMAL.replace("mini", "other"), name="b_good.yaml")
    library = load_library([tmp_path])
    problems = [str(p) for p in library.problems if "a_big.yaml" in p.path]
    assert any("5000 digits is too long" in p for p in problems), problems
    line = {"order": 5, "difficulty": 12, "answer": 16}[key]
    assert any(f"a_big.yaml:{line}:" in p for p in problems), problems
    assert "other" in [b.id for b in library.banks]


def test_languages_written_as_a_mapping_is_a_problem(tmp_path: Path) -> None:
    write_bank(tmp_path, with_line(4, "  languages: {en: 1}"), name="a.yaml")
    write_bank(tmp_path, MINIMAL.replace("mini", "other"), name="b.yaml")
    library = load_library([tmp_path])
    problems = [str(p) for p in library.problems]
    assert any("a.yaml:4:" in p and "expected a list" in p for p in problems), problems
    assert [b.id for b in library.banks] == ["other"]


def test_unexpected_exception_becomes_an_internal_error_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from studyapp.content import loader

    real = loader.parse_bank_text

    def explode(data: bytes):  # type: ignore[no-untyped-def]
        if b"id: boom" in data:
            raise KeyError("something nobody foresaw")
        return real(data)

    monkeypatch.setattr(loader, "parse_bank_text", explode)
    write_bank(tmp_path, MINIMAL.replace("id: mini\n", "id: boom\n", 1), name="a.yaml")
    write_bank(tmp_path, MINIMAL.replace("mini", "other"), name="b.yaml")
    library = load_library([tmp_path], use_cache=False)
    assert [b.id for b in library.banks] == ["other"]
    (problem,) = [str(p) for p in library.problems]
    assert problem.endswith("internal error while reading this bank (KeyError: 'something nobody foresaw'); the bank is skipped")
    assert ":1:1: " in problem


def test_missing_colon_is_reported_on_its_own_line(tmp_path: Path) -> None:
    text = with_line(24, "        explanation One half")
    problems = problems_of(tmp_path, text)
    assert any(":24:9: YAML syntax error: while scanning a simple key, could not find expected ':'" in p for p in problems), problems


def test_utf8_error_column_counts_characters(tmp_path: Path) -> None:
    data = with_line(12, "        prompt: {en: Pick B, ja: Bを選べ}").encode().replace("選べ}".encode(), "選べ".encode() + b"\xff}")
    problems = problems_of(tmp_path, data)
    line12 = with_line(12, "        prompt: {en: Pick B, ja: Bを選べ}").splitlines()[11]
    assert any(
        f":12:{len(line12)}: the file is not valid UTF-8" in p for p in problems
    ), problems


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
def test_control_character_is_reported_where_it_is(tmp_path: Path, libyaml: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from studyapp.content import yamlsource

    if not libyaml:
        monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    elif not yamlsource.HAVE_LIBYAML:
        pytest.skip("PyYAML was built without libyaml")
    text = with_line(12, "        prompt: {en: Pick B, ja: Bを選\x07べ}")
    problems = problems_of(tmp_path, text)
    column = text.splitlines()[11].index("\x07") + 1
    assert any(f":12:{column}: " in p and "U+0007" in p for p in problems), problems


def test_deep_nesting_without_libyaml_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from studyapp.content import yamlsource

    monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    problems = problems_of(tmp_path, MINIMAL + "deep: " + "[" * 5000 + "]" * 5000 + "\n")
    assert any("nested too deeply" in p for p in problems), problems


def test_duplicate_bank_id_is_reported_on_both_files(tmp_path: Path) -> None:
    write_bank(tmp_path, MINIMAL, name="a.yaml")
    copy = MINIMAL.replace("mini-", "copy-")
    write_bank(tmp_path, copy, name="b.yaml")
    library = load_library([tmp_path])
    problems = [str(p) for p in library.problems]
    assert any("a.yaml:1:1: duplicate bank id 'mini' (also in" in p and "b.yaml" in p for p in problems), problems
    assert any("b.yaml:1:1: duplicate bank id 'mini' (also in" in p and "skipped" in p for p in problems), problems
    assert [i.id for i in library.items()] == ["mini-single", "mini-numeric", "mini-cloze"]


def test_validate_one_bundled_bank_knows_the_bundled_exercises(capsys: pytest.CaptureFixture[str]) -> None:
    from studyapp.cli import main
    from studyapp.paths import bundled_content_dir

    banks = sorted(bundled_content_dir().glob("*.yaml"))
    assert banks
    for bank in banks:
        assert main(["validate", str(bank)]) == 0, capsys.readouterr().out
        out = capsys.readouterr().out
        assert "unknown exercise" not in out


def test_validate_one_copied_bank_knows_the_bundled_exercises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from studyapp.cli import main
    from studyapp.paths import bundled_content_dir

    with_code = [p for p in sorted(bundled_content_dir().glob("*.yaml")) if "exercise:" in p.read_text(encoding="utf-8")]
    assert with_code, "some bundled bank refers to an exercise"
    copy = tmp_path / with_code[0].name
    copy.write_bytes(with_code[0].read_bytes())
    assert main(["validate", str(copy)]) == 0, capsys.readouterr().out


def test_cache_leaves_no_temp_file_when_the_disk_is_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _isolated_cache: Path) -> None:
    import errno
    import os

    from studyapp.content import cache

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fd: int) -> None:
            self._handle = real_fdopen(fd, "w", encoding="utf-8")

        def __enter__(self) -> "FullDisk":
            return self

        def __exit__(self, *exc: object) -> None:
            self._handle.close()

        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache.os, "fdopen", lambda fd, *a, **k: FullDisk(fd))
    write_bank(tmp_path, MINIMAL)
    library = load_library([tmp_path])
    assert library.problems == [] and len(library.items()) == 3
    assert [p for p in _isolated_cache.rglob("*") if p.is_file()] == []
