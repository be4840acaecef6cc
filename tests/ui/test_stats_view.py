"""Stats view: friendly empty state, plots with data after real attempts, PNG export, Japanese labels."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

from studyapp.ui.i18n import catalogs
from studyapp.ui.stats_view import PLOT_NAMES, StatsView, accuracy_series, font_family


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
    assert len(accuracy_ax.lines) == 2  # two sections
    legend = [t.get_text() for t in canvases["accuracyPlot"].figure.legends[0].get_texts()]
    assert "GRU" in legend and any("LSTM" in t for t in legend)
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
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert any("LSTM" in t for t in legend)
    view.findChild(object, "accuracyPlot").draw()  # renders CJK text without errors


def test_cjk_font_fallback_when_installed():
    from matplotlib import font_manager

    family = font_family()
    if any(f.name == "Noto Sans CJK JP" for f in font_manager.fontManager.ttflist):
        assert family[-1] == "Noto Sans CJK JP" and len(family) >= 2


def test_accuracy_series_keeps_most_practised_sections(store, starter_library, recorder):
    from studyapp.progress import stats

    record_some(starter_library, recorder)
    series, left_out = accuracy_series(stats.compute(store), limit=1)
    assert [s.section for s in series] == ["starter-gru"] and left_out == 1
    assert series[0].accuracy == (50.0,)


def test_catalog_complete():
    assert [m for c in catalogs() if c.name in ("stats", "review") for m in c.missing()] == []


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
