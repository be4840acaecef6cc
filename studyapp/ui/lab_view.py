"""Hands-on lab: train the notes' simple RNN on binary addition, overlay runs, and see gradient flow.

Tab 1 (binary addition): a settings form with presets for each of the notes'
"try" variations, Start/Stop, a progress bar, live loss and accuracy curves
(runs overlaid, with a legend), a table of runs, PNG and CSV export.
Tab 2 (gradient flow): ‖∂L/∂h_t‖ against t for RNN, LSTM and GRU, before and
after training (:mod:`studyapp.lab.gradient_flow`).

Training runs in a Python thread; the worker only calls the core trainer and
emits Qt signals (queued to the UI thread), it never touches a widget.
Stop sets a ``threading.Event`` that the trainer checks every iteration.
matplotlib is imported when the view is built.
"""
from __future__ import annotations

import csv
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studyapp.lab import binary_addition as ba
from studyapp.lab import gradient_flow as gf
from studyapp.ui.i18n import Catalog
from studyapp.ui.plotstyle import PlotColours, palette_colours, theme_rc

T = Catalog(
    "lab",
    {
        "tab_trainer": {"en": "Binary addition (simple RNN)", "ja": "2進数の足し算（単純RNN）"},
        "tab_flow": {"en": "Gradient flow", "ja": "勾配の流れ"},
        "settings": {"en": "Settings", "ja": "設定"},
        "preset": {"en": "Preset", "ja": "プリセット"},
        "hidden": {"en": "Hidden size", "ja": "中間層のサイズ"},
        "init": {"en": "Weight init", "ja": "重みの初期化"},
        "std": {"en": "Init std (normal)", "ja": "初期値の標準偏差（正規）"},
        "lr": {"en": "Learning rate", "ja": "学習率"},
        "activation": {"en": "Hidden activation", "ja": "中間層の活性化関数"},
        "iterations": {"en": "Iterations", "ja": "イテレーション数"},
        "seed": {"en": "Seed", "ja": "シード"},
        "interval": {"en": "Report every", "ja": "表示間隔"},
        "exact": {"en": "Exact output derivative y(1−y)", "ja": "出力の微分を厳密に y(1−y)"},
        "exact_tip": {"en": "The notes use d_sigmoid(y), the sigmoid derivative taken at the output y; tick for the exact gradient.",
                      "ja": "ノートでは d_sigmoid(y)（出力 y でのシグモイドの微分）を使っています。チェックすると厳密な勾配になります。"},
        "init_normal": {"en": "Normal × std", "ja": "正規分布 × 標準偏差"},
        "init_xavier": {"en": "Xavier", "ja": "Xavier"},
        "init_he": {"en": "He", "ja": "He"},
        "act_sigmoid": {"en": "Sigmoid", "ja": "シグモイド"},
        "act_tanh": {"en": "tanh", "ja": "tanh"},
        "act_relu": {"en": "ReLU", "ja": "ReLU"},
        "preset_custom": {"en": "(custom)", "ja": "（カスタム）"},
        "preset_handson": {"en": "Hands-on (std 1, lr 0.1, H 16)", "ja": "ハンズオンの設定（既定）"},
        "preset_std10": {"en": "Try: weight_init_std 10", "ja": "試す: weight_init_std 10"},
        "preset_lr05": {"en": "Try: learning rate 0.5", "ja": "試す: 学習率 0.5"},
        "preset_lr1": {"en": "Try: learning rate 1", "ja": "試す: 学習率 1"},
        "preset_h32": {"en": "Try: hidden size 32", "ja": "試す: 中間層 32"},
        "preset_h100": {"en": "Try: hidden size 100", "ja": "試す: 中間層 100"},
        "preset_h32lr05": {"en": "Try: hidden 32, lr 0.5", "ja": "試す: 中間層 32, 学習率 0.5"},
        "preset_xavier": {"en": "Try: Xavier init", "ja": "試す: Xavier の初期化"},
        "preset_he": {"en": "Try: He init", "ja": "試す: He の初期化"},
        "preset_tanh": {"en": "Try: tanh activation", "ja": "試す: 活性化関数 tanh"},
        "preset_relu": {"en": "Try: ReLU activation", "ja": "試す: 活性化関数 ReLU"},
        "start": {"en": "Start", "ja": "開始"},
        "stop": {"en": "Stop", "ja": "停止"},
        "clear": {"en": "Clear runs", "ja": "実行結果を消去"},
        "export_png": {"en": "Export plot (PNG)…", "ja": "グラフを書き出す (PNG)…"},
        "export_csv": {"en": "Export runs (CSV)…", "ja": "実行結果を書き出す (CSV)…"},
        "idle": {"en": "Pick a preset or change the settings, then press Start.",
                 "ja": "プリセットを選ぶか設定を変えて「開始」を押してください。"},
        "running": {"en": "Run {run}: iteration {iteration}/{total} · loss {loss:.4f} · accuracy {accuracy:.1f}% · {sample}",
                    "ja": "実行 {run}: {iteration}/{total} 回目 · 損失 {loss:.4f} · 正解率 {accuracy:.1f}% · {sample}"},
        "finished": {"en": "Run {run} finished in {seconds:.2f} s: loss {loss:.4f}, accuracy {accuracy:.1f}% (last {window} samples)",
                     "ja": "実行 {run} 完了（{seconds:.2f} 秒）: 損失 {loss:.4f}、正解率 {accuracy:.1f}%（直近 {window} サンプル）"},
        "cancelled": {"en": "Run {run} stopped after {iterations} iterations.", "ja": "実行 {run} を {iterations} 回目で停止しました。"},
        "diverged": {"en": "Run {run} diverged at iteration {at}: {message}", "ja": "実行 {run} はイテレーション {at} で発散しました: {message}"},
        "diverged_legend": {"en": "{label} — diverged at iteration {at}", "ja": "{label} — {at} 回目で発散"},
        "exported": {"en": "Saved {path}", "ja": "{path} に保存しました"},
        "loss_title": {"en": "Loss (mean per sample over each report interval)", "ja": "損失（表示間隔ごとのサンプル平均）"},
        "acc_title": {"en": "Accuracy over the last {window} samples", "ja": "直近 {window} サンプルの正解率"},
        "iteration_axis": {"en": "iteration", "ja": "イテレーション"},
        "loss_axis": {"en": "loss", "ja": "損失"},
        "acc_axis": {"en": "accuracy (%)", "ja": "正解率 (%)"},
        "no_runs": {"en": "No runs yet", "ja": "まだ実行していません"},
        "col_run": {"en": "Run", "ja": "実行"},
        "col_settings": {"en": "Settings", "ja": "設定"},
        "col_loss": {"en": "Final loss", "ja": "最終損失"},
        "col_accuracy": {"en": "Accuracy", "ja": "正解率"},
        "col_time": {"en": "Time (s)", "ja": "時間 (秒)"},
        "col_diverged": {"en": "Diverged", "ja": "発散"},
        "yes_at": {"en": "yes (iter {at})", "ja": "あり（{at} 回目）"},
        "no": {"en": "no", "ja": "なし"},
        "stopped": {"en": "stopped", "ja": "停止"},
        "running_cell": {"en": "running…", "ja": "実行中…"},
        "flow_intro": {"en": "Task: reproduce the value given at step 1 at step T. ‖∂L/∂h_t‖ shows how much of the error signal "
                             "reaches step t; a plain RNN loses it exponentially, gated cells can keep it once trained.",
                       "ja": "課題: ステップ1で与えた値をステップ T で再現する。‖∂L/∂h_t‖ は誤差信号が時刻 t までどれだけ届くかを表します。"
                             "単純RNNでは指数的に消え、ゲート付きセルは学習後に保てることがあります。"},
        "flow_steps": {"en": "Sequence length T", "ja": "系列長 T"},
        "flow_train": {"en": "Training steps", "ja": "学習ステップ数"},
        "flow_run": {"en": "Run experiment", "ja": "実験を実行"},
        "flow_running": {"en": "Training {cell}: step {step}/{total} · loss {loss:.4f}", "ja": "{cell} を学習中: {step}/{total} · 損失 {loss:.4f}"},
        "flow_done": {"en": "‖∂L/∂h₁‖/‖∂L/∂h_T‖ after training: {ratios}", "ja": "学習後の ‖∂L/∂h₁‖/‖∂L/∂h_T‖: {ratios}"},
        "flow_empty": {"en": "Press “Run experiment” (about 5–30 s).", "ja": "「実験を実行」を押してください（5〜30 秒ほど）。"},
        "flow_cancelled": {"en": "Experiment stopped.", "ja": "実験を停止しました。"},
        "png_filter": {"en": "PNG image (*.png)", "ja": "PNG 画像 (*.png)"},
        "csv_filter": {"en": "CSV file (*.csv)", "ja": "CSV ファイル (*.csv)"},
    },
)

PRESETS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("handson", {}),
    ("std10", {"weight_init_std": 10.0}),
    ("lr05", {"learning_rate": 0.5}),
    ("lr1", {"learning_rate": 1.0}),
    ("h32", {"hidden_size": 32}),
    ("h100", {"hidden_size": 100}),
    ("h32lr05", {"hidden_size": 32, "learning_rate": 0.5}),
    ("xavier", {"init": "xavier"}),
    ("he", {"init": "he"}),
    ("tanh", {"activation": "tanh"}),
    ("relu", {"activation": "relu"}),
)
PRESET_KEYS = tuple(key for key, _ in PRESETS)
COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd")
CSV_FIELDS = ("run", "hidden_size", "init", "weight_init_std", "learning_rate", "activation", "iterations", "seed",
              "output_derivative", "completed_iterations", "final_loss", "accuracy", "seconds", "diverged", "diverged_at",
              "cancelled")
CJK_FONT = "Noto Sans CJK JP"
EMIT_INTERVAL = 0.05  # seconds between progress signals from a worker

# A CPU-bound Python thread starves the UI thread of the GIL: a matplotlib redraw took ~5 s instead of
# 0.2 s while training ran. So the canvases flag when they draw, and the training threads wait at their
# next report while the flag is up; the rest of the time they run at full speed.
UI_DRAWING = threading.Event()


def _flag_draws(canvas: Any) -> None:
    """Wrap ``canvas.draw`` so UI_DRAWING is set while it runs."""
    original = canvas.draw

    def draw(*args: Any, **kwargs: Any) -> Any:
        UI_DRAWING.set()
        try:
            return original(*args, **kwargs)
        finally:
            UI_DRAWING.clear()

    canvas.draw = draw


def _wait_while_ui_draws(limit: float = 2.0) -> None:
    """Called by training threads at each report: step aside while the UI thread redraws a plot."""
    deadline = time.perf_counter() + limit
    time.sleep(0.001)  # always let the UI thread in between two reports
    while UI_DRAWING.is_set() and time.perf_counter() < deadline:
        time.sleep(0.001)
LIVE_REDRAW_MS = 300


def preset_settings(key: str, base: ba.Settings | None = None) -> ba.Settings:
    """The hands-on defaults with one "try" variation (keeps iterations/seed/interval of ``base``)."""
    from dataclasses import replace

    base = base or ba.Settings()
    defaults = ba.Settings(iterations=base.iterations, seed=base.seed, report_interval=base.report_interval,
                           output_derivative=base.output_derivative)
    return replace(defaults, **dict(PRESETS)[key])


_FONT_FAMILY: list[str] | None = None


def font_family() -> list[str]:
    """The default sans font, with Noto Sans CJK JP as fallback for Japanese when installed."""
    global _FONT_FAMILY
    if _FONT_FAMILY is None:
        from matplotlib import font_manager, rcParams

        names = {f.name for f in font_manager.fontManager.ttflist}
        family = [f for f in rcParams["font.sans-serif"][:1] if f in names] or ["DejaVu Sans"]
        if CJK_FONT in names:
            family.append(CJK_FONT)
        _FONT_FAMILY = family
    return _FONT_FAMILY


def _style(colours: PlotColours = PlotColours()) -> Any:
    import matplotlib

    return matplotlib.rc_context({**theme_rc(colours), "font.family": font_family(), "axes.unicode_minus": False,
                                  "axes.spines.top": False, "axes.spines.right": False,
                                  "axes.titlesize": 10, "axes.labelsize": 9, "xtick.labelsize": 8,
                                  "ytick.labelsize": 8, "legend.fontsize": 7.5})


@dataclass
class Run:
    number: int
    settings: ba.Settings
    color: str
    history: list[ba.Progress] = field(default_factory=list)
    result: ba.Result | None = None
    stop_requested_at: float | None = None
    finished_at: float | None = None

    def label(self) -> str:
        return f"#{self.number} {self.settings.label()}"


class _Batch:
    """Progress reports travelling in one signal."""

    __slots__ = ("items",)

    def __init__(self, items: list[ba.Progress]) -> None:
        self.items = items


class _Bridge(QObject):
    """Signals emitted from the worker threads; connected (queued) to the view in the UI thread."""

    progress = Signal(int, object)  # run number, _Batch of the reports since the last signal
    finished = Signal(int, object, float)  # run number, ba.Result, perf_counter when the trainer returned
    flow_progress = Signal(str, int, float)
    flow_finished = Signal(object, bool)  # gf.FlowResult, cancelled


class LabView(QWidget):
    """The hands-on lab screen. ``runs`` holds every run of this session, oldest first."""

    run_finished = Signal(object)  # Run
    flow_finished = Signal(object)  # gf.FlowResult

    def __init__(self, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labView")
        self.setAccessibleName("Lab")
        self.language = language
        self.runs: list[Run] = []
        self.current: Run | None = None
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._flow_thread: threading.Thread | None = None
        self._flow_cancel = threading.Event()
        self.flow_result: gf.FlowResult | None = None
        self._status_key: tuple[str, dict[str, Any]] = ("idle", {})
        self._flow_status_key: tuple[str, dict[str, Any]] = ("flow_empty", {})
        self._applying_preset = False
        self.bridge = _Bridge()
        self.bridge.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.bridge.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.bridge.flow_progress.connect(self._on_flow_progress, Qt.ConnectionType.QueuedConnection)
        self.bridge.flow_finished.connect(self._on_flow_finished, Qt.ConnectionType.QueuedConnection)
        # live plot: at most ~3 updates/s (a draw takes 50–150 ms of the UI thread, which holds the GIL meanwhile)
        self._redraw_timer = _named(QTimer(self), "labRedrawTimer", singleShot=True, interval=LIVE_REDRAW_MS)
        self._redraw_timer.timeout.connect(self._live_update)
        self._lines: dict[int, tuple[Any, Any]] = {}
        self._build()
        self.apply_preset("handson")
        self.retranslate(language)

    # --- building -------------------------------------------------------------------------------
    def _build(self) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.tabs = _named(QTabWidget(), "labTabs")
        outer.addWidget(self.tabs)

        # ---- trainer tab
        trainer = _named(QWidget(), "labTrainerTab")
        row = QHBoxLayout(trainer)
        left = QVBoxLayout()
        self.settings_box = _named(QGroupBox(), "labSettingsBox")
        form = QFormLayout(self.settings_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.preset_combo = _named(QComboBox(), "labPresetCombo")
        self.hidden_spin = _named(QSpinBox(), "labHiddenSpin", minimum=1, maximum=512)
        self.init_combo = _named(QComboBox(), "labInitCombo")
        self.std_spin = _named(QDoubleSpinBox(), "labStdSpin", minimum=0.001, maximum=100.0, decimals=3, singleStep=0.5)
        self.lr_spin = _named(QDoubleSpinBox(), "labLrSpin", minimum=0.0001, maximum=10.0, decimals=4, singleStep=0.05)
        self.activation_combo = _named(QComboBox(), "labActivationCombo")
        self.iters_spin = _named(QSpinBox(), "labItersSpin", minimum=1, maximum=10_000_000, singleStep=1000)
        self.seed_spin = _named(QSpinBox(), "labSeedSpin", minimum=0, maximum=2**31 - 1)
        self.interval_spin = _named(QSpinBox(), "labIntervalSpin", minimum=1, maximum=100_000, singleStep=50)
        self.exact_check = _named(QCheckBox(), "labExactCheck")
        for _ in PRESET_KEYS:
            self.preset_combo.addItem("")
        self.preset_combo.addItem("")  # custom, last
        for _ in ba.INITS:
            self.init_combo.addItem("")
        for _ in ba.ACTIVATIONS:
            self.activation_combo.addItem("")
        self.form_labels: dict[str, QLabel] = {}
        for key, widget in (("preset", self.preset_combo), ("hidden", self.hidden_spin), ("init", self.init_combo),
                            ("std", self.std_spin), ("lr", self.lr_spin), ("activation", self.activation_combo),
                            ("iterations", self.iters_spin), ("seed", self.seed_spin), ("interval", self.interval_spin)):
            label = _named(QLabel(), f"labLabel_{key}")
            label.setBuddy(widget)
            self.form_labels[key] = label
            form.addRow(label, widget)
        form.addRow(self.exact_check)
        self.preset_combo.currentIndexChanged.connect(self._preset_chosen)
        for widget in (self.hidden_spin, self.std_spin, self.lr_spin):
            widget.valueChanged.connect(self._settings_edited)
        for combo in (self.init_combo, self.activation_combo):
            combo.currentIndexChanged.connect(self._settings_edited)
        self.init_combo.currentIndexChanged.connect(lambda _i: self.std_spin.setEnabled(self.init_combo.currentIndex() == 0))
        left.addWidget(self.settings_box)

        buttons = QHBoxLayout()
        self.start_button = _named(QPushButton(), "labStartButton")
        self.stop_button = _named(QPushButton(), "labStopButton")
        self.stop_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        left.addLayout(buttons)
        self.progress_bar = _named(QProgressBar(), "labProgressBar")
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        left.addWidget(self.progress_bar)
        self.status_label = _named(QLabel(), "labStatusLabel")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setMinimumHeight(48)
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.status_label)
        left.addStretch(1)
        self.clear_button = _named(QPushButton(), "labClearButton")
        self.export_png_button = _named(QPushButton(), "labExportPngButton")
        self.export_csv_button = _named(QPushButton(), "labExportCsvButton")
        self.clear_button.clicked.connect(self.clear_runs)
        self.export_png_button.clicked.connect(self._ask_export_png)
        self.export_csv_button.clicked.connect(self._ask_export_csv)
        for button in (self.clear_button, self.export_png_button, self.export_csv_button):
            left.addWidget(button)
        left_widget = _named(QWidget(), "labLeftPanel")
        left_widget.setLayout(left)
        left_widget.setMinimumWidth(300)
        left_widget.setMaximumWidth(400)
        row.addWidget(left_widget)

        right = _named(QSplitter(Qt.Orientation.Vertical), "labRightSplitter")
        self.loss_canvas = FigureCanvasQTAgg(Figure(figsize=(6.4, 4.2), dpi=100, layout="constrained"))
        _flag_draws(self.loss_canvas)
        self.loss_canvas.setObjectName("labLossPlot")
        self.loss_canvas.setMinimumSize(420, 300)
        self.loss_canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        right.addWidget(self.loss_canvas)
        self.table = _named(QTableWidget(0, 6), "labRunsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(170)
        right.addWidget(self.table)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        row.addWidget(right, 1)
        self.tabs.addTab(trainer, "")

        # ---- gradient-flow tab
        flow = _named(QWidget(), "labFlowTab")
        column = QVBoxLayout(flow)
        self.flow_intro = _named(QLabel(), "labFlowIntro")
        self.flow_intro.setWordWrap(True)
        column.addWidget(self.flow_intro)
        controls = QHBoxLayout()
        self.flow_steps_label = _named(QLabel(), "labFlowStepsLabel")
        self.flow_steps_spin = _named(QSpinBox(), "labFlowStepsSpin", minimum=2, maximum=200, value=20)
        self.flow_train_label = _named(QLabel(), "labFlowTrainLabel")
        self.flow_train_spin = _named(QSpinBox(), "labFlowTrainSpin", minimum=0, maximum=5000, value=300, singleStep=50)
        self.flow_steps_label.setBuddy(self.flow_steps_spin)
        self.flow_train_label.setBuddy(self.flow_train_spin)
        self.flow_run_button = _named(QPushButton(), "labFlowRunButton")
        self.flow_stop_button = _named(QPushButton(), "labFlowStopButton")
        self.flow_stop_button.setEnabled(False)
        self.flow_export_button = _named(QPushButton(), "labFlowExportButton")
        self.flow_run_button.clicked.connect(self.run_flow)
        self.flow_stop_button.clicked.connect(self.stop_flow)
        self.flow_export_button.clicked.connect(self._ask_export_flow)
        for widget in (self.flow_steps_label, self.flow_steps_spin, self.flow_train_label, self.flow_train_spin,
                       self.flow_run_button, self.flow_stop_button):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.flow_export_button)
        column.addLayout(controls)
        self.flow_progress = _named(QProgressBar(), "labFlowProgressBar")
        self.flow_progress.setRange(0, 100)
        self.flow_progress.setValue(0)
        column.addWidget(self.flow_progress)
        self.flow_status = _named(QLabel(), "labFlowStatus")
        self.flow_status.setWordWrap(True)
        self.flow_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.flow_status)
        self.flow_canvas = FigureCanvasQTAgg(Figure(figsize=(9.5, 4.6), dpi=100, layout="constrained"))
        _flag_draws(self.flow_canvas)
        self.flow_canvas.setObjectName("labFlowPlot")
        self.flow_canvas.setMinimumSize(480, 320)
        self.flow_canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        column.addWidget(self.flow_canvas, 1)
        self.tabs.addTab(flow, "")

    # --- settings -------------------------------------------------------------------------------
    def settings(self) -> ba.Settings:
        """The settings in the form."""
        return ba.Settings(hidden_size=self.hidden_spin.value(), init=ba.INITS[self.init_combo.currentIndex()],
                           weight_init_std=self.std_spin.value(), learning_rate=self.lr_spin.value(),
                           activation=ba.ACTIVATIONS[self.activation_combo.currentIndex()],
                           iterations=self.iters_spin.value(), seed=self.seed_spin.value(),
                           report_interval=self.interval_spin.value(),
                           output_derivative="exact" if self.exact_check.isChecked() else "handson")

    def set_settings(self, settings: ba.Settings) -> None:
        self._applying_preset = True
        try:
            self.hidden_spin.setValue(settings.hidden_size)
            self.init_combo.setCurrentIndex(ba.INITS.index(settings.init))
            self.std_spin.setValue(settings.weight_init_std)
            self.lr_spin.setValue(settings.learning_rate)
            self.activation_combo.setCurrentIndex(ba.ACTIVATIONS.index(settings.activation))
            self.iters_spin.setValue(settings.iterations)
            self.seed_spin.setValue(settings.seed)
            self.interval_spin.setValue(settings.report_interval)
            self.exact_check.setChecked(settings.output_derivative == "exact")
            self.std_spin.setEnabled(settings.init == "normal")
        finally:
            self._applying_preset = False

    def apply_preset(self, key: str) -> None:
        """Load one of the notes' variations (iterations, seed and interval are kept)."""
        current = self.settings() if self.iters_spin.value() > 1 else ba.Settings()
        self.set_settings(preset_settings(key, current))
        self._applying_preset = True
        self.preset_combo.setCurrentIndex(PRESET_KEYS.index(key))
        self._applying_preset = False

    def _preset_chosen(self, index: int) -> None:
        if self._applying_preset or not 0 <= index < len(PRESET_KEYS):
            return
        self.apply_preset(PRESET_KEYS[index])

    def _settings_edited(self, *_args: Any) -> None:
        if self._applying_preset:
            return
        current = self.settings()
        for index, key in enumerate(PRESET_KEYS):
            if preset_settings(key, current) == current:
                self._applying_preset = True
                self.preset_combo.setCurrentIndex(index)
                self._applying_preset = False
                return
        self._applying_preset = True
        self.preset_combo.setCurrentIndex(len(PRESET_KEYS))
        self._applying_preset = False

    # --- training -------------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.current is not None

    def start(self) -> Run | None:
        """Start a run with the form's settings in a worker thread; returns it (None if one is running)."""
        if self.current is not None:
            return None
        settings = self.settings()
        run = Run(number=len(self.runs) + 1 if not self.runs else self.runs[-1].number + 1, settings=settings,
                  color=COLORS[len(self.runs) % len(COLORS)])
        self.runs.append(run)
        self.current = run
        self._cancel = threading.Event()
        cancel = self._cancel
        bridge = self.bridge
        number = run.number

        pending: list[ba.Progress] = []
        last_emit = [0.0]

        def report(progress: ba.Progress) -> None:  # batches reports: at most ~20 signals per second
            _wait_while_ui_draws()
            pending.append(progress)
            now = time.perf_counter()
            if now - last_emit[0] >= EMIT_INTERVAL or progress.iteration == progress.total:
                last_emit[0] = now
                batch = pending[:]
                pending.clear()
                bridge.progress.emit(number, _Batch(batch))  # a plain object: PySide6 would convert a list

        def work() -> None:  # worker thread: core calls and signal emits only
            result = ba.train(settings, progress=report, cancel=cancel)
            bridge.finished.emit(number, result, time.perf_counter())

        self._thread = threading.Thread(target=work, name=f"lab-run-{number}", daemon=True)
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.settings_box.setEnabled(False)
        self.progress_bar.setValue(0)
        self._add_table_row(run)
        self._set_status("running", run=number, iteration=0, total=settings.iterations, loss=float("nan"),
                         accuracy=0.0, sample="")
        self._thread.start()
        return run

    def stop(self) -> None:
        """Ask the running trainer to stop (it checks every iteration)."""
        if self.current is not None and not self._cancel.is_set():
            self.current.stop_requested_at = time.perf_counter()
            self._cancel.set()
            self.stop_button.setEnabled(False)

    def _run(self, number: int) -> Run | None:
        return next((r for r in self.runs if r.number == number), None)

    def _on_progress(self, number: int, wrapped: "_Batch") -> None:
        batch = wrapped.items
        run = self._run(number)
        if run is None or not batch or run.result is not None:
            return
        run.history.extend(batch)
        progress = batch[-1]
        if run is self.current:
            self.progress_bar.setValue(int(100 * progress.iteration / max(1, progress.total)))
            self._set_status("running", run=number, iteration=progress.iteration, total=progress.total,
                             loss=progress.loss, accuracy=100 * progress.accuracy, sample=progress.sample)
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def _on_finished(self, number: int, result: ba.Result, finished_at: float) -> None:
        run = self._run(number)
        if run is None:
            return
        run.result = result
        run.finished_at = finished_at
        run.history = list(result.history)
        if run is self.current:
            self.current = None
            self.start_button.setEnabled(True)
            self.stop_button.setEnabled(False)
            self.settings_box.setEnabled(True)
            if result.diverged:
                self._set_status("diverged", run=number, at=result.diverged_at, message=result.reason)
                self.progress_bar.setValue(int(100 * result.iterations / max(1, run.settings.iterations)))
            elif result.cancelled:
                self._set_status("cancelled", run=number, iterations=result.iterations)
            else:
                self.progress_bar.setValue(100)
                self._set_status("finished", run=number, seconds=result.seconds, loss=result.final_loss,
                                 accuracy=100 * result.accuracy, window=min(run.settings.window, result.iterations))
        self._fill_table()
        self._redraw_runs()
        self.run_finished.emit(run)

    def clear_runs(self) -> None:
        """Forget every finished run (a running one is kept)."""
        self.runs = [r for r in self.runs if r is self.current]
        self._fill_table()
        self._redraw_runs()

    # --- table and plot -------------------------------------------------------------------------
    def _add_table_row(self, run: Run) -> None:
        self._fill_table()

    def _row_values(self, run: Run) -> list[str]:
        lang = self.language
        r = run.result
        if r is None:
            return [f"#{run.number}", run.settings.label(), T("running_cell", lang), "", "", ""]
        loss = f"{r.final_loss:.4f}" if r.iterations else "–"
        if r.diverged:
            diverged = T("yes_at", lang, at=r.diverged_at)
        elif r.cancelled:
            diverged = f"{T('no', lang)} ({T('stopped', lang)})"
        else:
            diverged = T("no", lang)
        return [f"#{run.number}", run.settings.label(), loss, f"{100 * r.accuracy:.1f}%", f"{r.seconds:.2f}", diverged]

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.runs))
        for row, run in enumerate(self.runs):
            for col, text in enumerate(self._row_values(run)):
                item = QTableWidgetItem(text)
                if col != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 0:
                    item.setForeground(Qt.GlobalColor.black)
                    item.setData(Qt.ItemDataRole.DecorationRole, _color(run.color))
                self.table.setItem(row, col, item)

    def _draw_runs(self, figure: Any) -> None:
        lang = self.language
        loss_ax, acc_ax = figure.subplots(2, 1, sharex=True)
        window = self.runs[-1].settings.window if self.runs else ba.Settings().window
        loss_ax.set_title(T("loss_title", lang))
        acc_ax.set_title(T("acc_title", lang, window=window))
        loss_ax.set_ylabel(T("loss_axis", lang))
        acc_ax.set_ylabel(T("acc_axis", lang))
        acc_ax.set_xlabel(T("iteration_axis", lang))
        acc_ax.set_ylim(-3, 103)
        drawn = False
        for run in self.runs:
            if not run.history:
                if run.result is not None and run.result.diverged:  # diverged before the first report: legend only
                    loss_ax.plot([], [], color=run.color, marker="x", linestyle="none",
                                 label=T("diverged_legend", lang, label=run.label(), at=run.result.diverged_at))
                    drawn = True
                continue
            xs = [p.iteration for p in run.history]
            (loss_line,) = loss_ax.plot(xs, [p.loss for p in run.history], color=run.color, linewidth=1.3, label=run.label())
            (acc_line,) = acc_ax.plot(xs, [100 * p.accuracy for p in run.history], color=run.color, linewidth=1.3)
            if figure is self.loss_canvas.figure:
                self._lines[run.number] = (loss_line, acc_line)
            if run.result is not None and run.result.diverged:
                loss_ax.plot([xs[-1]], [run.history[-1].loss], marker="x", color=run.color, markersize=8,
                             label=T("diverged_legend", lang, label=f"#{run.number}", at=run.result.diverged_at))
            drawn = True
        for ax in (loss_ax, acc_ax):
            ax.grid(True, alpha=0.3)
        if drawn:
            loss_ax.legend(loc="upper right", frameon=False)
        else:
            loss_ax.text(0.5, 0.5, T("no_runs", lang), ha="center", va="center", transform=loss_ax.transAxes,
                         alpha=0.7)

    def _live_update(self) -> None:
        """During a run: move the current run's lines to the new data, without a new layout (cheap)."""
        run = self.current
        if run is None or run.number not in self._lines:
            self._redraw_runs()
            return
        loss_line, acc_line = self._lines[run.number]
        xs = [p.iteration for p in run.history]
        loss_line.set_data(xs, [p.loss for p in run.history])
        acc_line.set_data(xs, [100 * p.accuracy for p in run.history])
        for ax in (loss_line.axes, acc_line.axes):
            ax.relim()
            ax.autoscale_view(scalex=True, scaley=ax is loss_line.axes)
        self.loss_canvas.figure.set_layout_engine("none")  # keep the last layout while the data moves
        self.loss_canvas.draw_idle()

    def _redraw_runs(self) -> None:
        self._redraw_timer.stop()
        figure = self.loss_canvas.figure
        self._lines = {}
        colours = palette_colours(self)
        with _style(colours):
            figure.clear()
            figure.set_facecolor(colours.background)
            figure.set_layout_engine("constrained")
            self._draw_runs(figure)
        self.loss_canvas.setAccessibleName(T("loss_title", self.language))
        self.loss_canvas.draw_idle()

    # --- export ---------------------------------------------------------------------------------
    def export_png(self, path: str | Path, dpi: int = 120) -> Path:
        """Save the loss/accuracy plot of all runs as PNG."""
        from matplotlib.figure import Figure

        path = Path(path)
        with _style():
            figure = Figure(figsize=(8, 6), dpi=dpi, layout="constrained")
            self._draw_runs(figure)
            figure.savefig(path, format="png", dpi=dpi)
        return path

    def export_csv(self, path: str | Path) -> Path:
        """One row per finished run: settings and results."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
            writer.writeheader()
            for run in self.runs:
                r = run.result
                if r is None:
                    continue
                s = run.settings
                writer.writerow({
                    "run": run.number, "hidden_size": s.hidden_size, "init": s.init, "weight_init_std": s.weight_init_std,
                    "learning_rate": s.learning_rate, "activation": s.activation, "iterations": s.iterations,
                    "seed": s.seed, "output_derivative": s.output_derivative, "completed_iterations": r.iterations,
                    "final_loss": f"{r.final_loss:.6g}", "accuracy": f"{r.accuracy:.4f}", "seconds": f"{r.seconds:.3f}",
                    "diverged": r.diverged, "diverged_at": "" if r.diverged_at is None else r.diverged_at,
                    "cancelled": r.cancelled,
                })
        return path

    def _ask_export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, T("export_png", self.language), "lab-runs.png", T("png_filter", self.language))
        if path:
            self._set_status("exported", path=str(self.export_png(path)))

    def _ask_export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, T("export_csv", self.language), "lab-runs.csv", T("csv_filter", self.language))
        if path:
            self._set_status("exported", path=str(self.export_csv(path)))

    def _ask_export_flow(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, T("export_png", self.language), "gradient-flow.png", T("png_filter", self.language))
        if path:
            self.export_flow_png(path)
            self._set_flow_status("exported", path=path)

    def export_flow_png(self, path: str | Path) -> Path:
        path = Path(path)
        if self.flow_result is not None:
            with _style():
                gf.save_plot(self.flow_result, path, self.language)
        else:
            self.flow_canvas.figure.savefig(path, format="png")
        return path

    # --- gradient flow --------------------------------------------------------------------------
    def flow_settings(self) -> gf.FlowSettings:
        return gf.FlowSettings(steps=self.flow_steps_spin.value(), train_steps=self.flow_train_spin.value())

    def run_flow(self, settings: gf.FlowSettings | None = None) -> None:
        """Run the gradient-flow experiment in a worker thread."""
        if self._flow_thread is not None and self._flow_thread.is_alive():
            return
        settings = settings if isinstance(settings, gf.FlowSettings) else self.flow_settings()
        self._flow_cancel = threading.Event()
        cancel = self._flow_cancel
        bridge = self.bridge
        self._flow_total = max(1, settings.train_steps * len(settings.cells))
        self._flow_done_cells: list[str] = []

        def progress(cell: str, step: int, loss: float) -> None:
            _wait_while_ui_draws()
            if step % 10 == 0 or step == settings.train_steps:  # ≤ 1 signal per 10 training steps
                bridge.flow_progress.emit(cell, step, loss)

        def work() -> None:
            result = gf.run(settings, cancel=cancel, progress=progress)
            bridge.flow_finished.emit(result, cancel.is_set())

        self._flow_settings = settings
        self._flow_thread = threading.Thread(target=work, name="lab-gradient-flow", daemon=True)
        self.flow_run_button.setEnabled(False)
        self.flow_stop_button.setEnabled(True)
        self.flow_progress.setValue(0)
        self._flow_thread.start()

    def stop_flow(self) -> None:
        self._flow_cancel.set()
        self.flow_stop_button.setEnabled(False)

    def _on_flow_progress(self, cell: str, step: int, loss: float) -> None:
        settings = self._flow_settings
        done = settings.cells.index(cell) * settings.train_steps + step
        self.flow_progress.setValue(int(100 * done / self._flow_total))
        self._set_flow_status("flow_running", cell=gf.CELL_NAMES[cell], step=step, total=settings.train_steps, loss=loss)

    def _on_flow_finished(self, result: gf.FlowResult, cancelled: bool) -> None:
        self.flow_run_button.setEnabled(True)
        self.flow_stop_button.setEnabled(False)
        if cancelled:
            self._set_flow_status("flow_cancelled")
            return
        self.flow_result = result
        self.flow_progress.setValue(100)
        self._flow_status_key = ("flow_done", {})
        self._redraw_flow()
        self.flow_finished.emit(result)

    def show_flow_result(self, result: gf.FlowResult) -> None:
        """Display a result computed elsewhere (e.g. by a script)."""
        self.flow_result = result
        self._flow_status_key = ("flow_done", {})
        self.flow_progress.setValue(100)
        self._redraw_flow()

    def _redraw_flow(self) -> None:
        figure = self.flow_canvas.figure
        colours = palette_colours(self)
        with _style(colours):
            figure.clear()
            figure.set_facecolor(colours.background)
            if self.flow_result is None:
                ax = figure.add_subplot()
                ax.set_axis_off()
                ax.text(0.5, 0.5, T("flow_empty", self.language), ha="center", va="center", transform=ax.transAxes,
                        alpha=0.7)
            else:
                gf.draw(figure, self.flow_result, self.language)
        if self.flow_result is not None:
            ratios = ", ".join(f"{gf.CELL_NAMES[n]} {f.ratio_after:.2g}" for n, f in self.flow_result.flows.items())
            self._flow_status_key = ("flow_done", {"ratios": ratios})
        self._refresh_flow_status()
        self.flow_canvas.setAccessibleName(T("tab_flow", self.language))
        self.flow_canvas.draw_idle()

    # --- language and status --------------------------------------------------------------------
    def _set_status(self, key: str, **values: Any) -> None:
        self._status_key = (key, values)
        self.status_label.setText(T(key, self.language, **values))

    def _set_flow_status(self, key: str, **values: Any) -> None:
        self._flow_status_key = (key, values)
        self._refresh_flow_status()

    def _refresh_flow_status(self) -> None:
        key, values = self._flow_status_key
        self.flow_status.setText(T(key, self.language, **values) if (values or key != "flow_done") else "")

    def retranslate(self, language: str) -> None:
        self.language = language
        lang = language
        self.tabs.setTabText(0, T("tab_trainer", lang))
        self.tabs.setTabText(1, T("tab_flow", lang))
        self.settings_box.setTitle(T("settings", lang))
        for key, label in self.form_labels.items():
            label.setText(T(key, lang))
        for index, key in enumerate(PRESET_KEYS):
            self.preset_combo.setItemText(index, T(f"preset_{key}", lang))
        self.preset_combo.setItemText(len(PRESET_KEYS), T("preset_custom", lang))
        for index, key in enumerate(ba.INITS):
            self.init_combo.setItemText(index, T(f"init_{key}", lang))
        for index, key in enumerate(ba.ACTIVATIONS):
            self.activation_combo.setItemText(index, T(f"act_{key}", lang))
        self.exact_check.setText(T("exact", lang))
        self.exact_check.setToolTip(T("exact_tip", lang))
        for key, widget in (("preset", self.preset_combo), ("hidden", self.hidden_spin), ("init", self.init_combo),
                            ("std", self.std_spin), ("lr", self.lr_spin), ("activation", self.activation_combo),
                            ("iterations", self.iters_spin), ("seed", self.seed_spin), ("interval", self.interval_spin)):
            widget.setAccessibleName(T(key, lang))
        self.exact_check.setAccessibleName(T("exact", lang))
        for key, button in (("start", self.start_button), ("stop", self.stop_button), ("clear", self.clear_button),
                            ("export_png", self.export_png_button), ("export_csv", self.export_csv_button),
                            ("flow_run", self.flow_run_button), ("stop", self.flow_stop_button),
                            ("export_png", self.flow_export_button)):
            button.setText(T(key, lang))
            button.setAccessibleName(T(key, lang))
        self.progress_bar.setAccessibleName(T("tab_trainer", lang))
        self.flow_progress.setAccessibleName(T("tab_flow", lang))
        self.table.setHorizontalHeaderLabels([T(k, lang) for k in ("col_run", "col_settings", "col_loss", "col_accuracy",
                                                                    "col_time", "col_diverged")])
        self.table.setAccessibleName(T("col_run", lang))
        self.flow_intro.setText(T("flow_intro", lang))
        self.flow_steps_label.setText(T("flow_steps", lang))
        self.flow_train_label.setText(T("flow_train", lang))
        self.flow_steps_spin.setAccessibleName(T("flow_steps", lang))
        self.flow_train_spin.setAccessibleName(T("flow_train", lang))
        key, values = self._status_key
        self.status_label.setText(T(key, lang, **values))
        self._fill_table()
        self._redraw_runs()
        self._redraw_flow()

    # --- shutdown -------------------------------------------------------------------------------
    def shutdown(self, timeout: float = 2.0) -> None:
        """Cancel any worker and wait for it (used on close and by tests)."""
        self._cancel.set()
        self._flow_cancel.set()
        for thread in (self._thread, self._flow_thread):
            if thread is not None:
                thread.join(timeout)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)


def _named(obj: Any, name: str, **properties: Any) -> Any:
    """Set objectName and properties through setters. (PySide6 6.12 mis-counts references when properties
    are passed as constructor keywords, e.g. ``QLabel(objectName=...)``: each call drops a reference to None
    or True and enough of them crash the interpreter.)"""
    obj.setObjectName(name)
    for key, value in properties.items():
        getattr(obj, "set" + key[0].upper() + key[1:])(value)
    return obj


def _color(hex_color: str) -> Any:
    from PySide6.QtGui import QColor

    return QColor(hex_color)
