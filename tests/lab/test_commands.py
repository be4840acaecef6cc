"""``studyapp lab binary-addition`` and ``studyapp lab gradient-flow``."""
from __future__ import annotations

import json

from studyapp.cli import main


def test_binary_addition_json(capsys):
    assert main(["lab", "binary-addition", "--iters", "300", "--seed", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"iterations", "final_loss", "accuracy", "seconds", "diverged", "diverged_at"}
    assert data["iterations"] == 300 and data["diverged"] is False and data["diverged_at"] is None


def test_binary_addition_relu_diverges_as_a_result(capsys):
    assert main(["lab", "binary-addition", "--activation", "relu", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["diverged"] is True and isinstance(data["diverged_at"], int)


def test_binary_addition_text_and_plot(capsys, tmp_path):
    plot = tmp_path / "ba.png"
    assert main(["lab", "binary-addition", "--iters", "400", "--report-interval", "200", "--init", "xavier",
                 "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "iter    200" in out and "accuracy over the last 400 samples" in out
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_gradient_flow_cli(capsys, tmp_path):
    plot = tmp_path / "gf.png"
    assert main(["lab", "gradient-flow", "--cells", "rnn,gru", "--steps", "6", "--train-steps", "3", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "rnn" in out and "gru" in out and "lstm" not in out
    assert plot.read_bytes()[:4] == b"\x89PNG"
    assert main(["lab", "gradient-flow", "--cells", "rnn", "--steps", "4", "--train-steps", "2", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["cells"]["rnn"]["norms_after"]) == 4


def test_usage_errors(capsys):
    assert main(["lab", "gradient-flow", "--cells", "cnn"]) == 2
    assert main(["lab", "binary-addition", "--activation", "softplus"]) == 2
    assert main(["lab", "binary-addition", "--hidden", "0"]) == 2
    assert main(["lab"]) == 2
