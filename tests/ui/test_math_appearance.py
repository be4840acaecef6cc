"""Formulas in every view, light and dark: transparent images, text-coloured glyphs, no white boxes, no TeX in drop-downs."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QComboBox, QLabel

from studyapp.content.loader import load_library
from studyapp.progress.session import StudySession
from studyapp.ui.quiz_view import QuizView
from studyapp.ui.richtext import RichTextView
from studyapp.ui.settings import Settings, apply_appearance

SRC = re.compile(r"src=[\"']([^\"']+)[\"']")


@pytest.fixture(scope="module")
def library():
    return load_library(None)


@pytest.fixture(params=["light", "dark"])
def theme(request, qapp):
    apply_appearance(Settings(theme=request.param))
    yield request.param
    apply_appearance(Settings(theme="light"))


def luminance(color: QColor) -> float:
    return 0.2126 * color.redF() + 0.7152 * color.greenF() + 0.0722 * color.blueF()


def check_formula_image(image: QImage, background: QColor) -> None:
    """Transparent around the glyphs; the inked pixels contrast with the background they sit on."""
    assert not image.isNull() and image.hasAlphaChannel()
    corners = [image.pixelColor(x, y) for x in (0, image.width() - 1) for y in (0, image.height() - 1)]
    assert all(c.alpha() == 0 for c in corners), "formula image has an opaque background"
    inked = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()) if image.pixelColor(x, y).alpha() > 200]
    assert inked, "formula image has no glyphs"
    ink = sum(luminance(c) for c in inked) / len(inked)
    assert abs(ink - luminance(background)) > 0.4, (ink, background.name())


def check_rich_view(view: RichTextView) -> int:
    sources = SRC.findall(view.toHtml())
    math = [s for s in sources if s.startswith("math:")]
    for src in math:
        image = view.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(src))
        check_formula_image(QImage(image), view.palette().color(QPalette.ColorRole.Base))
    return len(math)


def white_share(widget) -> float:
    image = widget.grab().toImage()
    white = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2) if image.pixelColor(x, y).lightness() >= 250)
    return white / max(1, len(range(0, image.width(), 2)) * len(range(0, image.height(), 2)))


def check_question_area(view, theme: str) -> None:
    if theme == "dark":
        assert white_share(view.question) < 0.01


def quiz_on(qtbot, library, item_id, tmp_path, store=None):
    view = QuizView(store=store, language="en", image_dir=tmp_path / "img")
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    view.start(StudySession([library.item(item_id)], kind="custom"), "t")
    return view


def test_quiz_question_choices_and_feedback(qtbot, library, theme, tmp_path):
    view = quiz_on(qtbot, library, "rnn-hidden-weight-confirm", tmp_path)
    assert check_rich_view(view.question) > 0
    check_question_area(view, theme)
    labels = [b.text_label for b in view.choice_buttons]
    files = [src for label in labels for src in SRC.findall(label.text())]
    assert files
    for path in files:
        check_formula_image(QImage(path), view.choice_buttons[0].palette().color(QPalette.ColorRole.Button))
    view.choice_buttons[0].click()
    view.submit()
    assert check_rich_view(view.feedback) > 0
    assert white_share(view.feedback) < 0.01 or theme == "light"


def test_cloze_drop_downs_show_typeset_math_never_tex(qtbot, library, theme, tmp_path):
    for item_id in [i.id for i in library.items() if i.kind == "cloze" and any(b.is_choice for b in i.blanks)]:
        view = quiz_on(qtbot, library, item_id, tmp_path)
        for combo in view.findChildren(QComboBox):
            for index in range(combo.count()):
                assert not re.search(r"\$|\\[A-Za-z]", combo.itemText(index)), (item_id, combo.itemText(index))
                icon = combo.itemIcon(index)
                if not icon.isNull():
                    image = icon.pixmap(combo.iconSize()).toImage()
                    check_formula_image(image, combo.palette().color(QPalette.ColorRole.Button))
        view.close()


def test_some_cloze_drop_down_shows_a_formula_icon(qtbot, library, tmp_path):
    view = quiz_on(qtbot, library, "bptt-update-cloze", tmp_path)
    icons = [c.itemIcon(i) for c in view.findChildren(QComboBox) for i in range(c.count())]
    assert sum(not icon.isNull() for icon in icons) >= 3


def test_review_reader(qtbot, library, theme, store, recorder):
    from studyapp.ui.review_view import ReviewView

    view = ReviewView(library, store, recorder, language="en")
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    combo = view.section_combo
    combo.setCurrentIndex(combo.findData(library.item("bptt-update-cloze").section))
    view.show_explanations()
    assert check_rich_view(view.explanation_text) > 0
    if theme == "dark":
        assert white_share(view.explanation_text) < 0.01


def test_exercise_statement(qtbot, library, theme, store, recorder):
    from studyapp.ui.code_view import CodeExerciseView

    view = CodeExerciseView(None, store=store, recorder=recorder, language="en", dark=theme == "dark")
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    view.open_exercise(library.exercise("sigmoid_grad"))
    assert check_rich_view(view.statement) > 0
    if theme == "dark":
        assert white_share(view.statement) < 0.01


def test_exam_report(qtbot, library, theme, store):
    from studyapp.ui.exam_view import ExamView

    view = ExamView(library, store, language="en")
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    view.findChild(QLabel)  # built
    from PySide6.QtWidgets import QPushButton

    view.findChild(QPushButton, "startExamButton").click()
    view.confirm_submit = lambda unanswered: True
    with qtbot.waitSignal(view.finished, timeout=20000):  # the report is typeset off the UI thread
        view.findChild(QPushButton, "submitExamButton").click()
    report = view.findChild(RichTextView, "examReport")
    assert check_rich_view(report) > 0
    if theme == "dark":
        assert white_share(report) < 0.01
