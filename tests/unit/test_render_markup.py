"""``aligned`` draws with rich, but a value is data: never markup, never cut, one line."""

from ddbctl.render import aligned


def test_markup_and_emoji_codes_in_values_print_as_written():
    lines = aligned(["name", "v"], [["[bold]x[/bold]", ":smile:"]]).splitlines()
    assert lines == ["name            v", "[bold]x[/bold]  :smile:"]


def test_wide_characters_take_two_columns():
    lines = aligned(None, [["日本", "a"], ["abcd", "b"]]).splitlines()
    assert lines == ["日本  a", "abcd  b"]


def test_a_long_row_is_never_wrapped_or_cropped():
    long = "x" * 500
    assert aligned(None, [[long, long]]) == f"{long}  {long}"


def test_headers_without_rows_print_the_header_line():
    assert aligned(["table", "items"], []) == "table  items"
