"""studyapp: quiz and self-study app for recurrent networks (E資格 Day 3).

The core (content, reference, grading, progress, lab) never imports Qt;
only :mod:`studyapp.ui` does.
"""

__version__ = "0.1.0"
