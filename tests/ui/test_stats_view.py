"""Stats view: friendly empty state, plots with data after real attempts, PNG export, Japanese labels."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

from studyapp.ui.i18n import catalogs
from studyapp.ui.stats_view import PLOT_NAMES, StatsView, font_family, section_accuracy


def make_view(qtbot, store, library, language="en"):
    view = StatsView(store, library, language=language)
    qtbot.addWidget(view)
    view.resize(1000, 750)
    view.show()
    qtbot.waitUntil(lambda: view.stats is not None, timeout=5000)  # computed off the UI thread
    return view


def refresh(qtbot, view):
    with qtbot.waitSignal(view.refreshed, timeout=5000):
        view.refresh()


def record_some(library, recorder):
    recorder.record_answer(library.item("starter-gru-gate-count"), score=1.0, correct=True, seconds=10)
    recorder.record_answer(library.item("starter-gru-no-cell"), score=0.0, correct=False, seconds=5)
    recorder.record_answer(library.item("starter-lstm-forget"), score=1.0, correct=True, seconds=20)


def test_new_learner_sees_friendly_message(qtbot, store, starter_library):
    view = make_view(qtbot, store, starter_library)
    message = view.findChild(QLabel, "statsEmptyMessage")
    assert message.isVisible()
    assert "No statistics yet" in message.text()
    assert not view.findChild(object, "accuracyPlot").isVisible()
    view.retranslate("ja")
    assert "まだ統計はありません" in message.text()


def test_plots_have_data_after_attempts_and_export(qtbot, store, starter_library, recorder, tmp_path):
    view = make_view(qtbot, store, starter_library)
    record_some(starter_library, recorder)
    exercise = starter_library.exercise("starter_gru_cell_forward")
    recorder.record_submission(exercise, source="def f(): pass", verdict={"status": "fail"}, passed=False)
    recorder.record_submission(exercise, source="def f(): return 1", verdict={"status": "pass"}, passed=True)
    refresh(qtbot, view)

    assert not view.findChild(QLabel, "statsEmptyMessage").isVisible()
    canvases = {name: view.findChild(object, name) for name in PLOT_NAMES}
    assert all(c is not None and c.isVisible() for c in canvases.values())
    accuracy_ax = canvases["accuracyPlot"].figure.axes[0]
    assert [round(p.get_width()) for p in accuracy_ax.patches] == [50, 100]  # one bar per section, weakest first
    names = [t.get_text() for t in accuracy_ax.get_yticklabels()]
    assert names[0] == "GRU" and "LSTM" in names[1]
    assert sum(p.get_height() for p in canvases["attemptsPlot"].figure.axes[0].patches) == 3
    assert sum(p.get_height() for p in canvases["forecastPlot"].figure.axes[0].patches) == 4  # 3 items + 1 exercise
    widths = [p.get_width() for p in canvases["exercisesPlot"].figure.axes[0].patches]
    assert widths == [1, 1]  # attempted 1, passed 1
    assert view.findChild(QLabel, "headlineValue_attempts").text() == "3"
    assert view.findChild(QLabel, "headlineValue_accuracy").text() == "67%"
    assert view.findChild(QLabel, "headlineValue_exercises").text() == "1/1"

    path = view.export_png(tmp_path / "stats.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000


def test_japanese_titles_and_section_names(qtbot, store, starter_library, recorder):
    record_some(starter_library, recorder)
    view = make_view(qtbot, store, starter_library)
    view.retranslate("ja")
    ax = view.findChild(object, "accuracyPlot").figure.axes[0]
    assert ax.get_title() == "セクション別の正答率"
    assert view.findChild(QLabel, "headlineCaption_attempts").text() == "解答数"
    assert any("LSTM" in t.get_text() for t in ax.get_yticklabels())
    view.findChild(object, "accuracyPlot").draw()  # renders CJK text without errors


def test_cjk_font_fallback_when_installed():
    from matplotlib import font_manager

    family = font_family()
    if any(f.name == "Noto Sans CJK JP" for f in font_manager.fontManager.ttflist):
        assert family[-1] == "Noto Sans CJK JP" and len(family) >= 2


def test_section_accuracy_weakest_first_and_counts_the_rest(store, starter_library, recorder):
    from studyapp.progress import stats

    record_some(starter_library, recorder)
    rows, left_out = section_accuracy(stats.compute(store), limit=1)
    assert [r.section for r in rows] == ["starter-gru"] and left_out == 1
    assert rows[0].percent == 50.0 and rows[0].attempts == 2


def test_plots_follow_the_dark_theme(qtbot, store, starter_library, recorder):
    from matplotlib.colors import to_hex

    from studyapp.ui.settings import dark_palette

    record_some(starter_library, recorder)
    view = make_view(qtbot, store, starter_library)
    view.setPalette(dark_palette())
    view.refresh()
    for name in PLOT_NAMES:
        figure = view.findChild(object, name).figure
        assert to_hex(figure.get_facecolor()) == dark_palette().color(dark_palette().ColorRole.Window).name()
        assert to_hex(figure.axes[0].title.get_color()) == dark_palette().color(dark_palette().ColorRole.WindowText).name()


def test_catalog_complete():
    assert [m for c in catalogs() if c.name in ("stats", "review") for m in c.missing()] == []


def test_one_day_of_attempts_gets_distinct_day_labels(qtbot, store, starter_library, recorder):
    record_some(starter_library, recorder)
    view = make_view(qtbot, store, starter_library)
    canvas = view.findChild(object, "attemptsPlot")
    canvas.draw()
    ax = canvas.figure.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert len(labels) == len(set(labels)) >= 2
    low, high = ax.get_xlim()
    assert high - low >= 6  # a week wide, not one bar stretched over the axes


def test_all_four_plots_fit_a_laptop_screen_without_scrolling(qtbot, store, starter_library, recorder):
    record_some(starter_library, recorder)
    view = make_view(qtbot, store, starter_library)
    view.resize(1366 - 350, 768 - 110)  # the stack's share of a 1366x768 window (sidebar, menus, status bar)
    qtbot.wait(1)
    assert view.plots_page.verticalScrollBar().maximum() == 0


def test_unchanged_data_shows_cached_stats_and_new_answers_recompute(qtbot, store, starter_library, recorder):
    record_some(starter_library, recorder)
    view = make_view(qtbot, store, starter_library)
    first = view.stats
    assert first.total_attempts == 3
    refresh(qtbot, view)
    assert view.stats is first  # nothing changed: no recomputation
    recorder.record_answer(starter_library.item("starter-lstm-forget"), score=0.0, correct=False, seconds=5)
    refresh(qtbot, view)
    assert view.stats is not first and view.stats.total_attempts == 4
    assert view.findChild(QLabel, "headlineValue_attempts").text() == "4"
    assert not view.busy.isVisible()
