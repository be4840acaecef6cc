"""Hands-on lab (core, NumPy only): the simple-RNN binary-addition trainer and the gradient-flow experiment.

No Qt here; the view is :mod:`studyapp.ui.lab_view`, the CLI is :mod:`studyapp.lab.commands`.
"""
