"""Statistics view: accuracy over time, attempts per day, due forecast and code exercises, as plots.

Numbers come from :func:`studyapp.progress.stats.compute`; this module only
arranges them for display. matplotlib is imported when the view is built, not
when the module is imported, so the app starts fast.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studyapp.progress import stats as stats_core
from studyapp.progress.stats_cache import StatsCache
from studyapp.ui.i18n import Catalog
from studyapp.ui.ops import run_in_background
from studyapp.ui.plotstyle import PlotColours, palette_colours, theme_rc

T = Catalog(
    "stats",
    {
        "failed": {"en": "The statistics could not be computed: {error}", "ja": "統計を計算できませんでした: {error}"},
        "empty": {"en": "No statistics yet.\n\nAnswer a few questions or grade a code exercise and your progress will appear here.",
                  "ja": "まだ統計はありません。\n\n問題にいくつか答えるか、コード課題を採点すると、ここに学習の進み具合が表示されます。"},
        "attempts": {"en": "Attempts", "ja": "解答数"},
        "accuracy": {"en": "Accuracy", "ja": "正答率"},
        "exercises": {"en": "Code exercises passed", "ja": "合格したコード課題"},
        "due_today": {"en": "Due today", "ja": "今日の復習"},
        "exams": {"en": "Exams", "ja": "模擬試験"},
        "no_exams": {"en": "none yet", "ja": "まだありません"},
        "exam_history": {"en": "last: {scores}", "ja": "直近: {scores}"},
        "accuracy_title": {"en": "Accuracy per section", "ja": "セクション別の正答率"},
        "accuracy_axis": {"en": "Accuracy (%)", "ja": "正答率 (%)"},
        "other_sections": {"en": "(+{count} more sections)", "ja": "（ほか {count} セクション）"},
        "attempts_title": {"en": "Attempts per day", "ja": "日ごとの解答数"},
        "attempts_axis": {"en": "Attempts", "ja": "解答数"},
        "forecast_title": {"en": "Reviews due, next {days} days", "ja": "今後 {days} 日の復習予定"},
        "forecast_axis": {"en": "Cards due", "ja": "復習カード数"},
        "exercises_title": {"en": "Code exercises", "ja": "コード課題"},
        "ex_attempted": {"en": "Attempted", "ja": "挑戦"},
        "ex_passed": {"en": "Passed", "ja": "合格"},
        "ex_submissions": {"en": "{count} submissions", "ja": "提出 {count} 回"},
        "ex_none": {"en": "No code exercise graded yet.", "ja": "採点したコード課題はまだありません。"},
        "nothing_due": {"en": "Nothing scheduled.", "ja": "予定された復習はありません。"},
        "day_axis": {"en": "Day", "ja": "日付"},
        "no_section": {"en": "(no section)", "ja": "（セクションなし）"},
    },
)

MAX_SECTION_BARS = 12
CJK_FONT = "Noto Sans CJK JP"
PLOT_NAMES = ("accuracyPlot", "attemptsPlot", "forecastPlot", "exercisesPlot")


# --- pure helpers (no Qt, no matplotlib) --------------------------------------------------------

def section_titles(library: Any, language: str) -> dict[str, str]:
    """Section id -> localized title for every section in the library."""
    titles: dict[str, str] = {}
    if library is None:
        return titles
    for bank in library.banks:
        for section in bank.sections:
            titles[section.id] = section.title.get(language)
    return titles


@dataclass(frozen=True)
class SectionAccuracy:
    section: str
    attempts: int
    correct: int

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.attempts if self.attempts else 0.0


def section_accuracy(stats: stats_core.Stats, limit: int = MAX_SECTION_BARS) -> tuple[list[SectionAccuracy], int]:
    """Accuracy per section over all days, weakest first (what to study next), at most ``limit``; and how many were left out."""
    attempts: dict[str, int] = {}
    correct: dict[str, int] = {}
    for sd in stats.accuracy_by_section_day:
        attempts[sd.section] = attempts.get(sd.section, 0) + sd.attempts
        correct[sd.section] = correct.get(sd.section, 0) + sd.correct
    rows = [SectionAccuracy(section, attempts[section], correct[section]) for section in attempts]
    rows.sort(key=lambda r: (r.percent, -r.attempts, r.section))
    return rows[:limit], max(0, len(rows) - limit)


def has_data(stats: stats_core.Stats) -> bool:
    return bool(stats.total_attempts or stats.submissions or stats.exams)


def _dates(days: tuple[str, ...] | list[str]) -> list[date]:
    return [date.fromisoformat(d) for d in days]


# --- matplotlib --------------------------------------------------------------------------------

_FONT_FAMILY: list[str] | None = None


def font_family() -> list[str]:
    """matplotlib font family: the default sans, falling back to Noto Sans CJK JP for Japanese when installed."""
    global _FONT_FAMILY
    if _FONT_FAMILY is None:
        from matplotlib import font_manager, rcParams

        names = {f.name for f in font_manager.fontManager.ttflist}
        family = list(rcParams["font.sans-serif"][:1]) or ["DejaVu Sans"]
        family = [f for f in family if f in names] or ["DejaVu Sans"]
        if CJK_FONT in names:
            family.append(CJK_FONT)
        _FONT_FAMILY = family
    return _FONT_FAMILY


@contextmanager
def _plot_style(language: str, colours: PlotColours = PlotColours()) -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context({**theme_rc(colours), "font.family": font_family(), "axes.unicode_minus": False,
                                "axes.spines.top": False, "axes.spines.right": False,
                                "axes.titlesize": 11, "axes.labelsize": 9,
                                "xtick.labelsize": 8, "ytick.labelsize": 8, "legend.fontsize": 8}):
        yield


def _empty_axes(ax: Any, text: str) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, alpha=0.7, fontsize=10, wrap=True)


def _date_axis(ax: Any, days: list[date]) -> None:
    """Whole days only, at least a week wide: one day of data no longer fills the axes with repeated labels."""
    from datetime import timedelta

    import matplotlib.dates as mdates

    first, last = min(days), max(days)
    if (last - first).days < 6:
        pad = timedelta(days=(7 - (last - first).days) / 2)
        ax.set_xlim(first - pad, last + pad)
    span = max(7, (last - first).days + 1)
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, span // 5)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))


def draw_accuracy(ax: Any, stats: stats_core.Stats, titles: dict[str, str], language: str) -> None:
    """One horizontal bar per section, weakest on top, labelled with its percent and attempts (no legend to clip)."""
    import textwrap

    rows, left_out = section_accuracy(stats)
    ax.set_title(T("accuracy_title", language))
    if not rows:
        _empty_axes(ax, T("empty", language).split("\n")[0])
        return
    names = ["\n".join(textwrap.wrap(titles.get(r.section) or r.section or T("no_section", language), 24)[:2]) for r in rows]
    bars = ax.barh(range(len(rows)), [r.percent for r in rows], height=0.65,
                   color=["#c44e52" if r.percent < 60 else "#dd8452" if r.percent < 80 else "#55a868" for r in rows])
    ax.set_yticks(range(len(rows)), names)
    ax.invert_yaxis()
    ax.bar_label(bars, [f"{r.percent:.0f}% · {r.attempts}" for r in rows], padding=3, fontsize=8)
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 25, 50, 75, 100])
    label = T("accuracy_axis", language)
    ax.set_xlabel(f"{label}   {T('other_sections', language, count=left_out)}" if left_out else label)


def draw_attempts(ax: Any, stats: stats_core.Stats, language: str) -> None:
    ax.set_title(T("attempts_title", language))
    if not stats.attempts_per_day:
        _empty_axes(ax, T("empty", language).split("\n")[0])
        return
    days = _dates([d for d, _n in stats.attempts_per_day])
    ax.bar(days, [n for _d, n in stats.attempts_per_day], width=0.8, color="#4c72b0")
    ax.set_ylabel(T("attempts_axis", language))
    ax.yaxis.get_major_locator().set_params(integer=True)
    _date_axis(ax, days)


def draw_forecast(ax: Any, stats: stats_core.Stats, language: str) -> None:
    ax.set_title(T("forecast_title", language, days=len(stats.due_forecast)))
    counts = [n for _d, n in stats.due_forecast]
    if not any(counts):
        _empty_axes(ax, T("nothing_due", language))
        return
    forecast_days = _dates([d for d, _n in stats.due_forecast])
    ax.bar(forecast_days, counts, width=0.8, color="#dd8452")
    ax.set_ylabel(T("forecast_axis", language))
    ax.yaxis.get_major_locator().set_params(integer=True)
    _date_axis(ax, forecast_days)


def draw_exercises(ax: Any, stats: stats_core.Stats, language: str) -> None:
    ax.set_title(T("exercises_title", language))
    if not stats.exercises_attempted:
        _empty_axes(ax, T("ex_none", language))
        return
    labels = [T("ex_attempted", language), T("ex_passed", language)]
    values = [stats.exercises_attempted, stats.exercises_passed]
    bars = ax.barh(labels, values, color=["#8c8c8c", "#55a868"], height=0.6)
    ax.bar_label(bars, padding=3, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max(values) * 1.25)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(T("ex_submissions", language, count=stats.submissions))


def _new_figure(width: float = 5.0, height: float = 2.6) -> Any:
    """A plot at its preferred size: four of them and the headline fit a 768-px-high screen without scrolling."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


# --- the view ----------------------------------------------------------------------------------

class StatsView(QWidget):
    """Plots of the learner's progress; call :meth:`refresh` after new answers."""

    refreshed = Signal()
    """Emitted once the statistics (cached or fresh, or an error) are on screen."""

    def __init__(self, store: Any, library: Any, language: str = "en", parent: QWidget | None = None,
                 cache: StatsCache | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsView")
        self.setAccessibleName("Statistics")
        self.store = store
        self.library = library
        self.language = language
        self.stats: stats_core.Stats | None = None
        self.canvases: dict[str, Any] = {}
        self.cache = cache if cache is not None else StatsCache()
        self._op: Any = None
        self._drawn_with: tuple[str, str, str] | None = None
        self._build()
        self.refresh()

    def _build(self) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        outer = QVBoxLayout(self)
        self.busy = QProgressBar(objectName="statsBusy")
        self.busy.setRange(0, 0)  # indeterminate while the figures are computed
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        outer.addWidget(self.busy)
        self.stack = QStackedWidget(objectName="statsStack")
        outer.addWidget(self.stack)

        self.empty_label = QLabel(objectName="statsEmptyMessage")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("font-size: 15px; color: palette(placeholder-text); padding: 40px;")
        self.stack.addWidget(self.empty_label)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget(objectName="statsPage")
        column = QVBoxLayout(page)

        self.headline = QHBoxLayout()
        self.headline_values: dict[str, QLabel] = {}
        self.headline_captions: dict[str, QLabel] = {}
        for key in ("attempts", "accuracy", "exercises", "due_today", "exams"):
            card = QFrame(objectName=f"headline_{key}")
            card.setFrameShape(QFrame.Shape.StyledPanel)
            card_layout = QVBoxLayout(card)
            card_layout.setContentsMargins(10, 6, 10, 6)
            value = QLabel(objectName=f"headlineValue_{key}")
            value.setStyleSheet("font-size: 20px; font-weight: bold;")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption = QLabel(objectName=f"headlineCaption_{key}")
            caption.setStyleSheet("color: palette(placeholder-text);")
            caption.setWordWrap(True)
            card_layout.addWidget(value)
            card_layout.addWidget(caption)
            self.headline_values[key] = value
            self.headline_captions[key] = caption
            self.headline.addWidget(card, 1)
        column.addLayout(self.headline)

        grid = QGridLayout()
        for index, name in enumerate(PLOT_NAMES):
            canvas = FigureCanvasQTAgg(_new_figure())
            canvas.setObjectName(name)
            canvas.setMinimumSize(320, 240)
            canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.canvases[name] = canvas
            grid.addWidget(canvas, index // 2, index % 2)
        column.addLayout(grid, 1)
        scroll.setWidget(page)
        self.stack.addWidget(scroll)
        self.plots_page = scroll

    # --- public API ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the statistics: at once when the data has not changed, else computed off the UI thread."""
        cached = self.cache.cached(self.store)
        if cached is not None:
            if cached is not self.stats or self._appearance() != self._drawn_with:
                self.stats = cached
                self._redraw()
            self.refreshed.emit()
            return
        if self._op is not None and self._op.running:
            return
        self.busy.setVisible(True)
        self._op = run_in_background(self, lambda: self.cache.compute(self.store), self._computed, self._failed)

    def _appearance(self) -> tuple[str, str, str]:
        """What the plots are drawn with besides the data: a theme or language change redraws them."""
        palette = self.palette()
        return (palette.color(palette.ColorRole.Window).name(), palette.color(palette.ColorRole.WindowText).name(),
                self.language)

    def _computed(self, stats: stats_core.Stats) -> None:
        self.busy.setVisible(False)
        self.stats = stats
        self._redraw()
        self.refreshed.emit()

    def _failed(self, error: BaseException) -> None:
        self.busy.setVisible(False)
        self.empty_label.setText(T("failed", self.language, error=str(error)))
        self.stack.setCurrentWidget(self.empty_label)
        self.refreshed.emit()

    def retranslate(self, language: str) -> None:
        self.language = language
        self._redraw()

    def export_png(self, path: str | Path, dpi: int = 120) -> Path:
        """Save all four plots, two by two, as one PNG."""
        path = Path(path)
        stats = self.stats if self.stats is not None else stats_core.compute(self.store)
        with _plot_style(self.language, self.plot_colours()):
            figure = _new_figure(10.0, 6.6)
            axes = figure.subplots(2, 2)
            self._draw_all([ax for row in axes for ax in row], stats)
            figure.savefig(path, format="png", dpi=dpi)
        return path

    def plot_colours(self) -> PlotColours:
        """The view's palette for the plots, so they follow the light or dark theme."""
        return palette_colours(self)

    # --- drawing ---------------------------------------------------------------------------------
    def _draw_all(self, axes: list[Any], stats: stats_core.Stats) -> None:
        lang = self.language
        draw_accuracy(axes[0], stats, section_titles(self.library, lang), lang)
        draw_attempts(axes[1], stats, lang)
        draw_forecast(axes[2], stats, lang)
        draw_exercises(axes[3], stats, lang)

    def _redraw(self) -> None:
        stats = self.stats
        lang = self.language
        self._drawn_with = self._appearance()
        self.empty_label.setText(T("empty", lang))
        if stats is None or not has_data(stats):
            self.stack.setCurrentWidget(self.empty_label)
            return
        self.stack.setCurrentWidget(self.plots_page)
        self._fill_headline(stats)
        colours = self.plot_colours()
        with _plot_style(lang, colours):
            axes = []
            for name in PLOT_NAMES:
                figure = self.canvases[name].figure
                figure.clear()
                figure.set_facecolor(colours.background)  # made before the theme was known
                axes.append(figure.add_subplot())
            self._draw_all(axes, stats)
        for name, ax in zip(PLOT_NAMES, axes):
            self.canvases[name].setAccessibleName(ax.get_title())
            self.canvases[name].draw_idle()

    def _fill_headline(self, stats: stats_core.Stats) -> None:
        lang = self.language
        accuracy = f"{100 * stats.total_correct / stats.total_attempts:.0f}%" if stats.total_attempts else "–"
        due_today = stats.due_forecast[0][1] if stats.due_forecast else 0
        if stats.exams:
            last = stats.exams[-5:]
            scores = ", ".join(f"{100 * s / m:.0f}%" if m else f"{s:g}" for _d, s, m in last)
            exams_value, exams_caption = str(len(stats.exams)), f"{T('exams', lang)} · {T('exam_history', lang, scores=scores)}"
        else:
            exams_value, exams_caption = "0", f"{T('exams', lang)} · {T('no_exams', lang)}"
        values = {
            "attempts": (str(stats.total_attempts), T("attempts", lang)),
            "accuracy": (accuracy, T("accuracy", lang)),
            "exercises": (f"{stats.exercises_passed}/{stats.exercises_attempted}", T("exercises", lang)),
            "due_today": (str(due_today), T("due_today", lang)),
            "exams": (exams_value, exams_caption),
        }
        for key, (value, caption) in values.items():
            self.headline_values[key].setText(value)
            self.headline_captions[key].setText(caption)
            self.headline_values[key].setAccessibleName(f"{caption}: {value}")
