"""Answer functions for parameterized items, one module per topic."""
from studyapp.content.generators.registry import (
    Generated,
    Reject,
    answer_function,
    answer_function_names,
    get_answer_function,
)

__all__ = ["Generated", "Reject", "answer_function", "answer_function_names", "get_answer_function"]
