"""studyapp: quiz and self-study app for recurrent networks (E資格 Day 3).

The core (content, reference, grading, progress, lab) never imports Qt;
only :mod:`studyapp.ui` does.
"""

import sys

__version__ = "0.1.0"
SUPPORTED_PYTHON = (3, 10)

if sys.version_info < SUPPORTED_PYTHON:  # say so plainly instead of failing later inside a dependency
    raise SystemExit(f"studyapp {__version__} needs Python 3.10 or newer (3.10-3.13 are supported); "
                     f"this is Python {sys.version.split()[0]}.")
