"""Build hook: ship the top-level ``content/`` folder inside the wheel as ``studyapp/_content``.

``content/`` stays at the top of the repository (the authors' layout); a regular build copies it
into the package so a wheel or a non-editable install reads nothing from the source tree. An
editable build skips the copy, so ``studyapp.paths.bundled_content_dir`` keeps reading ``content/``
and authors see their edits at once. Everything else is declared in ``pyproject.toml``.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONTENT_PATTERNS = ("*.yaml", "*.json")


class BuildPyWithContent(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = Path(__file__).resolve().parent / "content"
        target = Path(self.build_lib) / "studyapp" / "_content"
        for pattern in CONTENT_PATTERNS:
            for path in sorted(source.rglob(pattern)):
                destination = target / path.relative_to(source)
                self.mkpath(str(destination.parent))
                self.copy_file(str(path), str(destination))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        source = Path(__file__).resolve().parent / "content"
        target = Path(self.build_lib) / "studyapp" / "_content"
        return outputs + [str(target / p.relative_to(source)) for pattern in CONTENT_PATTERNS for p in source.rglob(pattern)]


setup(cmdclass={"build_py": BuildPyWithContent})
