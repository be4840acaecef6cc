"""Lab view: runs off the UI thread, overlays runs, cancels within 100 ms, presets, export, Japanese, gradient-flow tab."""
from __future__ import annotations

import csv
import threading

from PySide6.QtWidgets import QComboBox, QPushButton, QTableWidget

from studyapp.lab import binary_addition as ba
from studyapp.lab import gradient_flow as gf
from studyapp.ui.i18n import catalogs
from studyapp.ui.lab_view import PRESET_KEYS, LabView, preset_settings


def make_view(qtbot, language="en"):
    view = LabView(language=language)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    return view


def run_once(qtbot, view, timeout=15000):
    with qtbot.waitSignal(view.run_finished, timeout=timeout) as blocker:
        view.findChild(QPushButton, "labStartButton").click()
    return blocker.args[0]


def test_two_runs_overlaid_in_plot_table_and_exports(qtbot, tmp_path):
    view = make_view(qtbot)
    view.iters_spin.setValue(600)
    view.interval_spin.setValue(100)
    first = run_once(qtbot, view)
    assert first.result.iterations == 600 and not first.result.diverged
    assert first.result.history and threading.main_thread() is threading.current_thread()
    view.apply_preset("lr05")
    assert view.lr_spin.value() == 0.5 and view.iters_spin.value() == 600  # iterations kept
    second = run_once(qtbot, view)
    assert [r.number for r in view.runs] == [1, 2]
    loss_ax, acc_ax = view.loss_canvas.figure.axes
    assert len(loss_ax.lines) == 2 and len(acc_ax.lines) == 2
    legend = [t.get_text() for t in loss_ax.get_legend().get_texts()]
    assert legend[0].startswith("#1 H16 std 1 lr 0.1") and legend[1].startswith("#2 H16 std 1 lr 0.5")
    table = view.findChild(QTableWidget, "labRunsTable")
    assert table.rowCount() == 2 and table.item(1, 5).text() == "no"
    assert table.item(0, 3).text() == f"{100 * first.result.accuracy:.1f}%"
    assert view.findChild(QPushButton, "labStartButton").isEnabled()

    png = view.export_png(tmp_path / "runs.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = list(csv.DictReader(view.export_csv(tmp_path / "runs.csv").open(encoding="utf-8")))
    assert [r["learning_rate"] for r in rows] == ["0.1", "0.5"]
    assert rows[1]["completed_iterations"] == "600" and rows[1]["diverged"] == "False"
    assert float(rows[1]["final_loss"]) == float(f"{second.result.final_loss:.6g}")


def test_same_seed_same_run(qtbot):
    view = make_view(qtbot)
    view.iters_spin.setValue(300)
    a = run_once(qtbot, view)
    b = run_once(qtbot, view)
    assert [p.loss for p in a.history] == [p.loss for p in b.history]
    assert a.result.losses.tolist() == ba.train(view.settings()).losses.tolist()


def test_stop_cancels_within_100_ms(qtbot):
    view = make_view(qtbot)
    view.iters_spin.setValue(5_000_000)
    view.interval_spin.setValue(50)
    view.findChild(QPushButton, "labStartButton").click()
    assert not view.findChild(QPushButton, "labStartButton").isEnabled()
    qtbot.waitUntil(lambda: len(view.current.history) >= 2, timeout=10000)
    run = view.current
    with qtbot.waitSignal(view.run_finished, timeout=5000):
        view.findChild(QPushButton, "labStopButton").click()
    assert run.result.cancelled and 0 < run.result.iterations < 5_000_000
    assert run.finished_at - run.stop_requested_at < 0.1
    assert "stopped" in view.status_label.text()
    assert view.table.item(0, 5).text() == "no (stopped)"
    assert view.findChild(QPushButton, "labStartButton").isEnabled()


def test_relu_preset_shows_divergence(qtbot):
    view = make_view(qtbot)
    view.findChild(QComboBox, "labPresetCombo").setCurrentIndex(PRESET_KEYS.index("relu"))
    assert view.settings().activation == "relu"
    run = run_once(qtbot, view)
    assert run.result.diverged
    assert view.table.item(0, 5).text() == f"yes (iter {run.result.diverged_at})"
    assert "diverged at iteration" in view.status_label.text()


def test_presets_cover_the_notes_try_list(qtbot):
    view = make_view(qtbot)
    expected = {"std10": ("weight_init_std", 10.0), "lr05": ("learning_rate", 0.5), "lr1": ("learning_rate", 1.0),
                "h32": ("hidden_size", 32), "h100": ("hidden_size", 100), "xavier": ("init", "xavier"),
                "he": ("init", "he"), "tanh": ("activation", "tanh"), "relu": ("activation", "relu")}
    for key, (name, value) in expected.items():
        view.apply_preset(key)
        assert getattr(view.settings(), name) == value
        assert view.settings() == preset_settings(key, view.settings())
    view.apply_preset("handson")
    assert view.settings() == ba.Settings()
    view.hidden_spin.setValue(17)
    assert view.preset_combo.currentIndex() == len(PRESET_KEYS)  # custom
    view.hidden_spin.setValue(32)
    assert view.preset_combo.currentIndex() == PRESET_KEYS.index("h32")


def test_japanese(qtbot):
    view = make_view(qtbot, "ja")
    assert view.start_button.text() == "開始" and view.tabs.tabText(1) == "勾配の流れ"
    assert view.loss_canvas.figure.axes[0].get_title().startswith("損失")
    view.retranslate("en")
    assert view.start_button.text() == "Start"
    assert not [m for c in catalogs() if c.name == "lab" for m in c.missing()]


def test_gradient_flow_tab(qtbot, tmp_path):
    view = make_view(qtbot)
    view.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(view.flow_finished, timeout=20000) as blocker:
        view.run_flow(gf.FlowSettings(steps=6, train_steps=4))
    result = blocker.args[0]
    assert set(result.flows) == {"rnn", "lstm", "gru"}
    axes = view.flow_canvas.figure.axes
    assert len(axes) == 2 and all(len(ax.lines) == 3 for ax in axes)
    assert "RNN" in view.flow_status.text()
    assert view.export_flow_png(tmp_path / "flow.png").read_bytes()[:4] == b"\x89PNG"
    view.retranslate("ja")
    assert view.flow_canvas.figure.axes[0].get_title() == "初期化直後"


def test_lab_plots_follow_the_dark_theme(qtbot):
    from matplotlib.colors import to_hex

    from studyapp.ui.lab_view import LabView
    from studyapp.ui.settings import dark_palette

    view = LabView(language="en")
    qtbot.addWidget(view)
    view.setPalette(dark_palette())
    view._redraw_runs()
    view._redraw_flow()
    window = dark_palette().color(dark_palette().ColorRole.Window).name()
    for canvas in (view.loss_canvas, view.flow_canvas):
        assert to_hex(canvas.figure.get_facecolor()) == window
