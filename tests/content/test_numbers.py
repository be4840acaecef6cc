import pytest

from studyapp.content.numbers import parse_number


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("0.25", 0.25),
        (".25", 0.25),
        ("1/4", 0.25),
        (" 1 / 4 ", 0.25),
        ("-3/8", -0.375),
        ("2.5e-1", 0.25),
        ("２.５e-1", 0.25),  # full-width digits and dot
        ("１／４", 0.25),  # full-width slash
        ("−0.5", -0.5),  # Unicode minus
        ("1,000", 1000.0),
        ("2.5×10^-1", 0.25),
        ("2.5*10**-1", 0.25),
        ("3", 3.0),
        ("+7", 7.0),
        (4, 4.0),
    ],
)
def test_accepted_forms(typed, value):
    assert parse_number(typed) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("typed", ["", "abc", "nan", "inf", "1/0", "1,5", "0x10", "1_000", "1..2", "e5", None, "1/4/2"])
def test_rejected_forms(typed):
    assert parse_number(typed) is None
