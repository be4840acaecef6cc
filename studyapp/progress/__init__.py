"""Learner progress: storage, FSRS review scheduling, study sessions, exams, statistics.

No Qt here; the UI drives these objects.

* :mod:`.store` -- :class:`~.store.Store` (SQLite in ``data_dir()/progress.sqlite3``)
* :mod:`.scheduling` -- :class:`~.scheduling.ReviewScheduler` (fsrs), answer -> rating mapping, queues
* :mod:`.session` -- :class:`~.session.StudySession` and its factories
* :mod:`.exam` -- :class:`~.exam.Exam`, :func:`~.exam.select_exam_items`
* :mod:`.stats` -- :func:`~.stats.compute` (plain data for plots)
* :mod:`.commands` -- ``studyapp progress export|import`` and ``studyapp stats``
"""
