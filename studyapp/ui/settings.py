"""User settings (language, theme, font size, reveal policy) persisted next to the progress data."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from studyapp.ui.i18n import LANGUAGE_NAMES, Catalog

T = Catalog(
    "settings",
    {
        "title": {"en": "Settings", "ja": "設定"},
        "language": {"en": "Language", "ja": "言語"},
        "theme": {"en": "Theme", "ja": "テーマ"},
        "theme_system": {"en": "System", "ja": "システム"},
        "theme_light": {"en": "Light", "ja": "ライト"},
        "theme_dark": {"en": "Dark", "ja": "ダーク"},
        "font_size": {"en": "Font size", "ja": "文字サイズ"},
        "reveal": {"en": "Show the reference solution", "ja": "解答例の表示"},
        "reveal_pass_or_3_fails": {"en": "after a pass or 3 failed attempts", "ja": "合格後または3回不合格後"},
        "reveal_pass": {"en": "only after a pass", "ja": "合格後のみ"},
        "reveal_always": {"en": "always", "ja": "いつでも"},
        "reveal_never": {"en": "never", "ja": "表示しない"},
        "new_per_day": {"en": "New items per day", "ja": "1日の新規問題数"},
        "exam_scheduling": {"en": "Mock-exam answers update review intervals", "ja": "模擬試験の解答を復習間隔に反映する"},
    },
)

THEMES = ("system", "light", "dark")
REVEAL_POLICIES = ("pass_or_3_fails", "pass", "always", "never")


@dataclass(frozen=True)
class Settings:
    language: str = "en"
    theme: str = "system"
    font_size: int = 0  # 0: the platform default
    reveal_policy: str = "pass_or_3_fails"
    new_per_day: int = 20
    exam_scheduling: bool = True


def _int(value: object, default: int) -> int:
    try:
        return max(0, int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


class SettingsStore:
    """Reads and writes settings (and window state) in ``settings.ini`` in the data dir."""

    def __init__(self, data_dir: Path) -> None:
        self.qsettings = QSettings(str(Path(data_dir) / "settings.ini"), QSettings.Format.IniFormat)

    def load(self, language: str | None = None) -> Settings:
        q = self.qsettings
        settings = Settings(
            language=str(q.value("language", "en")),
            theme=str(q.value("theme", "system")),
            font_size=int(q.value("font_size", 0) or 0),
            reveal_policy=str(q.value("reveal_policy", "pass_or_3_fails")),
            new_per_day=_int(q.value("new_per_day", 20), 20),
            exam_scheduling=str(q.value("exam_scheduling", "true")).lower() in ("true", "1"),
        )
        if settings.language not in LANGUAGE_NAMES:
            settings = replace(settings, language="en")
        if language:
            settings = replace(settings, language=language)
        return settings

    def save(self, settings: Settings) -> None:
        for key in ("language", "theme", "font_size", "reveal_policy", "new_per_day", "exam_scheduling"):
            self.qsettings.setValue(key, getattr(settings, key))
        self.qsettings.sync()

    def value(self, key: str, default=None):
        return self.qsettings.value(key, default)

    def set_value(self, key: str, value) -> None:
        self.qsettings.setValue(key, value)
        self.qsettings.sync()


def apply_appearance(settings: Settings) -> None:
    """Theme and font size for the whole application."""
    app = QApplication.instance()
    if app is None:
        return
    if settings.theme in ("light", "dark") or app.property("studyapp_themed"):
        # An explicit theme: Fusion draws the same on every platform and honours our palette.
        # "system" on a fresh start keeps the platform's own style (and skips building Fusion).
        hints = app.styleHints()
        if hasattr(hints, "setColorScheme"):
            scheme = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(settings.theme, Qt.ColorScheme.Unknown)
            hints.setColorScheme(scheme)
        app.setStyle("Fusion")
        app.setPalette(dark_palette() if settings.theme == "dark" else app.style().standardPalette())
        app.setProperty("studyapp_themed", True)
    if settings.font_size:
        font = QFont(app.font())
        font.setPointSize(settings.font_size)
        app.setFont(font)


def dark_palette() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed", QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#2a2b2e", QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2d2e31",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#3c78d8", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2d2e31", QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6f7377"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6f7377"))
    return palette



class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lang = settings.language
        self.setWindowTitle(T("title", lang))
        self.setObjectName("settingsDialog")
        form = QFormLayout(self)
        self.language_combo = QComboBox(objectName="languageCombo")
        for code, name in LANGUAGE_NAMES.items():
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(self.language_combo.findData(settings.language))
        self.theme_combo = QComboBox(objectName="themeCombo")
        for theme in THEMES:
            self.theme_combo.addItem(T(f"theme_{theme}", lang), theme)
        self.theme_combo.setCurrentIndex(self.theme_combo.findData(settings.theme))
        self.font_spin = QSpinBox(objectName="fontSizeSpin")
        self.font_spin.setRange(0, 24)
        self.font_spin.setSpecialValueText("—")
        self.font_spin.setValue(settings.font_size)
        self.reveal_combo = QComboBox(objectName="revealCombo")
        for policy in REVEAL_POLICIES:
            self.reveal_combo.addItem(T(f"reveal_{policy}", lang), policy)
        self.reveal_combo.setCurrentIndex(self.reveal_combo.findData(settings.reveal_policy))
        form.addRow(T("language", lang), self.language_combo)
        form.addRow(T("theme", lang), self.theme_combo)
        form.addRow(T("font_size", lang), self.font_spin)
        form.addRow(T("reveal", lang), self.reveal_combo)
        self.new_spin = QSpinBox(objectName="newPerDaySpin")
        self.new_spin.setRange(0, 500)
        self.new_spin.setValue(settings.new_per_day)
        form.addRow(T("new_per_day", lang), self.new_spin)
        self.exam_check = QCheckBox(T("exam_scheduling", lang), objectName="examSchedulingCheck")
        self.exam_check.setChecked(settings.exam_scheduling)
        form.addRow(self.exam_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self) -> Settings:
        return Settings(
            language=self.language_combo.currentData(),
            theme=self.theme_combo.currentData(),
            font_size=self.font_spin.value(),
            reveal_policy=self.reveal_combo.currentData(),
            new_per_day=self.new_spin.value(),
            exam_scheduling=self.exam_check.isChecked(),
        )
