"""`studyapp validate`, `list --json` and `schema` as a content author uses them."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from studyapp.cli import main
from tests.content.conftest import MINIMAL, STARTER, write_bank


def test_validate_exit_codes(tmp_path: Path, capsys) -> None:
    good = write_bank(tmp_path, MINIMAL, name="good.yaml")
    assert main(["validate", str(good)]) == 0
    bad = write_bank(tmp_path, MINIMAL.replace("answer: 1\n", "answer: 4\n"), name="bad.yaml")
    capsys.readouterr()
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].endswith("bad.yaml:16:17: answer index 4 is out of range: there are 2 choices (0 to 1)")
    assert main(["validate", "--no-such-flag"]) == 2
    assert main([]) == 2


def test_validate_takes_content_option(tmp_path: Path) -> None:
    write_bank(tmp_path, MINIMAL)
    assert main(["validate", "--content", str(tmp_path)]) == 0


def test_list_json_shape(tmp_path: Path, capsys) -> None:
    write_bank(tmp_path, STARTER.read_text(encoding="utf-8"), name="starter.yaml")
    write_bank(tmp_path, "bank: [\n", name="broken.yaml")
    assert main(["list", "--json", "--content", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"items", "exercises", "problems"}
    first = data["items"][0]
    assert {"id", "bank", "section", "kind", "languages", "tags", "parameterized"} <= set(first)
    assert first["languages"] == ["en", "ja"]
    assert any(i["parameterized"] for i in data["items"])
    assert data["exercises"] == [{"id": "starter_gru_cell_forward", "reference": "gru_cell_forward", "languages": ["en", "ja"]}]
    assert len(data["problems"]) == 1 and "broken.yaml:" in data["problems"][0]


def test_list_text(tmp_path: Path, capsys) -> None:
    write_bank(tmp_path, MINIMAL)
    assert main(["list", "--content", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "s1: 3 item(s)" in out and "total: 3 item(s)" in out


@pytest.fixture(scope="module")
def schema() -> dict:
    from studyapp.content.bank_spec import json_schema

    return json_schema()


def test_schema_command_prints_the_schema(capsys, schema) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == schema


def test_schema_accepts_valid_banks(schema) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for text in (MINIMAL, STARTER.read_text(encoding="utf-8")):
        assert list(validator.iter_errors(yaml.safe_load(text))) == []


def test_schema_rejects_author_mistakes(schema) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    for bad in (MINIMAL.replace("answer: 1", "anwser: 1"), MINIMAL.replace("kind: single", "kind: singel"),
                MINIMAL.replace("tolerance: {abs: 0.01}", "tolerance: {abs: -1}")):
        assert list(validator.iter_errors(yaml.safe_load(bad))), bad


def test_bundled_schema_file_is_current(schema) -> None:
    bundled = Path(__file__).resolve().parents[2] / "content" / "bank.schema.json"
    assert json.loads(bundled.read_text(encoding="utf-8")) == schema, "run: studyapp schema -o content/bank.schema.json"


def test_bundled_banks_point_editors_at_the_schema_and_satisfy_it(schema) -> None:
    content = Path(__file__).resolve().parents[2] / "content"
    validator = jsonschema.Draft202012Validator(schema)
    banks = sorted(content.rglob("*.yaml"))
    assert len(banks) >= 10
    for bank in banks:
        first = bank.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), bank
        target = (bank.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == content / "bank.schema.json", bank
        errors = list(validator.iter_errors(yaml.safe_load(bank.read_text(encoding="utf-8"))))
        assert errors == [], (bank, [e.message for e in errors[:3]])
