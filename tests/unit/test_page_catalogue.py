"""The pages speak correct Romanian and whole English: every text of the
templates and the code has its English (``make messages`` lists the ones
that lack it), and no Romanian text uses the cedilla letters ş ţ, which are
not Romanian (ș ț have a comma below)."""

from pathlib import Path

from gateway.web import messages

WEB = Path(messages.__file__).parent
CEDILLA = {"ş", "ţ", "Ş", "Ţ"}


def test_every_text_of_the_pages_has_its_english():
    assert messages.missing() == []


def test_no_page_text_is_written_with_cedillas():
    for text in messages.texts():
        assert not set(text) & CEDILLA, text
    for file in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        if "node_modules" not in file.parts:
            assert not set(file.read_text()) & CEDILLA, file
