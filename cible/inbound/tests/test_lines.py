"""Reading the lines of a reply, without a database."""

from decimal import Decimal

from django.utils import translation

from cible.inbound.lines import MAX_LINES, Reading, parse, parse_number, reply_lines, write


def test_a_line_gives_the_value_the_confidence_and_the_comment() -> None:
    parsed = parse("42: 1500, 7, signed two customers, both in Lyon", "en")

    assert parsed.problems == []
    assert parsed.readings == [
        Reading(1, 42, Decimal(1500), 7, "signed two customers, both in Lyon")
    ]


def test_the_confidence_and_the_comment_may_be_left_out() -> None:
    parsed = parse("#42: 12.5\n43: 80, conf 6\n44 = 3; great week", "en")

    assert [(r.key_result_id, r.value, r.confidence, r.comment) for r in parsed.readings] == [
        (42, Decimal("12.5"), None, ""),
        (43, Decimal(80), 6, ""),
        (44, Decimal(3), None, "great week"),
    ]


def test_numbers_are_read_in_the_organisations_language() -> None:
    assert parse_number("1,500.5", "en") == Decimal("1500.5")
    assert parse_number("1 500,5", "fr") == Decimal("1500.5")
    assert parse_number("1\u202f500", "fr") == Decimal(1500)
    assert parse_number("-3", "fr") == Decimal(-3)
    french = parse("42 : 12,5, 7, très bien", "fr")
    assert french.readings[0].value == Decimal("12.5")
    assert french.readings[0].confidence == 7


def test_text_infinity_and_nan_are_not_numbers() -> None:
    for text in ("lots", "NaN", "inf", "1e400", "", "12abc"):
        assert parse_number(text, "en") is None, text


def test_greetings_quotes_and_the_signature_are_left_out() -> None:
    text = (
        "Hi,\n\n42: 10\n\nThanks!\n-- \nBob\n43: 99\n"
        "\n> 44: 1\nOn Mon, 7 Dec 2026 at 09:00, Cible <checkin@okr.test> wrote:\n> 45: 2\n"
    )
    assert [r.key_result_id for r in parse(text, "en").readings] == [42]
    french = "43: 5\n> 42: 1\nLe lun. 7 déc. 2026 à 09:00, Cible a écrit :\n44: 1"
    assert [r.key_result_id for r in parse(french, "fr").readings] == [43]
    assert [n for n, _line in reply_lines("a\r\n\r\nb")] == [1, 3]


def test_a_line_that_cannot_be_read_says_why_with_its_number() -> None:
    with translation.override("en"):
        parsed = parse("42: 10\n43 lots\n44: lots\n45:\n", "en")

    assert [r.key_result_id for r in parsed.readings] == [42]
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (2, "Write the key result's number, a colon, then the value."),
        (3, "“lots” is not a number."),
        (4, "The value is missing after the colon."),
    ]


def test_the_reasons_are_in_french_for_a_french_organisation() -> None:
    with translation.override("fr"):
        parsed = parse("44: beaucoup", "fr")

    assert parsed.problems[0].reason == "« beaucoup » n'est pas un nombre."


def test_ten_thousand_lines_are_refused_whole() -> None:
    text = "\n".join(f"{n}: 1" for n in range(10_000))
    with translation.override("en"):
        parsed = parse(text, "en")

    assert parsed.readings == []
    assert [p.line for p in parsed.problems] == [0]
    assert f"at most {MAX_LINES}" in parsed.problems[0].reason


def test_a_very_long_line_is_refused_and_shown_short() -> None:
    parsed = parse("42: 1, 5, " + "x" * 5000, "en")

    assert parsed.readings == []
    assert len(parsed.problems[0].text) == 200


def test_null_bytes_and_odd_characters_never_break_the_reading() -> None:
    parsed = parse("42: 1\x00 0, 5, <script>alert(1)</script>\n\u2028", "en")

    assert parsed.readings[0].value == Decimal(10)
    assert parsed.readings[0].comment == "<script>alert(1)</script>"


def test_an_exclamation_mark_after_the_value_confirms_it() -> None:
    parsed = parse("42: 55!, 7, yes, really\n43: 12 !\n44: 3", "en")

    assert [(r.value, r.confidence, r.comment, r.confirmed) for r in parsed.readings] == [
        (Decimal(55), 7, "yes, really", True),
        (Decimal(12), None, "", True),
        (Decimal(3), None, "", False),
    ]
    assert parse("42: !", "en").problems[0].reason == "“!” is not a number."


def test_a_line_written_back_reads_as_the_same_reading_in_each_language() -> None:
    readings = [
        Reading(1, 42, Decimal("1500.50"), 7, "two signed, one lost"),
        Reading(1, 43, Decimal("-3"), None, "8"),  # a comment that reads as a confidence
        Reading(1, 44, Decimal("12E+2"), None, ""),
        Reading(1, 45, Decimal("0.25"), 0, "a; b"),
    ]
    for language in ("en", "fr"):
        for reading in readings:
            line = write(reading, language, confirmed=True)
            (back,) = parse(line, language).readings
            assert (back.value, back.confidence, back.comment, back.confirmed) == (
                reading.value,
                reading.confidence,
                reading.comment,
                True,
            ), line
    assert write(readings[0], "fr") == "42: 1500,5; 7; two signed, one lost"
    assert write(readings[2], "en", confirmed=True) == "44: 1200!"
