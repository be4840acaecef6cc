"""The portable grading backend: one pre-started ``python -I`` worker per submission (see parent.py)."""
from studyapp.grading.portable.parent import PortableBackend

__all__ = ["PortableBackend"]
