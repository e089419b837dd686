"""Markdown is rendered, then sanitised: nothing executable survives, whatever the input."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from app.notes.markdown import ALLOWED_TAGS, render, sanitise


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value) for name, value in attrs)

    handle_startendtag = handle_starttag


def inspect(html: str) -> Inspector:
    parser = Inspector()
    parser.feed(html)
    parser.close()
    return parser


def assert_inert(html: str) -> None:
    found = inspect(html)
    assert set(found.tags) <= ALLOWED_TAGS, found.tags
    for tag, name, value in found.attrs:
        assert not name.lower().startswith("on"), (tag, name)
        assert (tag, name) in {("a", "href"), ("a", "rel")}, (tag, name)
        if name == "href":
            assert value is not None
            scheme = value.split(":", 1)[0].lower() if ":" in value else ""
            assert scheme in {"http", "https", "mailto"}, value
        if name == "rel":
            assert value == "noopener noreferrer nofollow"


def test_markdown_basics() -> None:
    html = render("# Title\n\n**bold** _em_ `code`\n\n- one\n- two\n\n> quoted")
    assert "<h3>Title</h3>" in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html and "<code>code</code>" in html


def test_links_keep_safe_schemes_only() -> None:
    html = render("[a](https://example.org) [b](javascript:alert(1)) [c](mailto:x@y.org) [d](/x)")
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">a</a>' in html
    assert 'href="mailto:x@y.org"' in html
    assert "javascript:" not in html.replace("[b](javascript:alert(1))", "")
    assert 'href="/x"' not in html
    assert_inert(html)


def test_raw_html_is_not_interpreted() -> None:
    html = render(
        '<script>alert(1)</script><img src=x onerror="alert(1)"><a href="javascript:x">y</a>'
    )
    assert "<script" not in html and "<img" not in html
    assert_inert(html)


def test_sanitiser_strips_what_slips_through() -> None:
    dirty = (
        '<p onclick="x()">t</p><script>alert(1)</script><a href="JaVaScRiPt:alert(1)">x</a>'
        '<a href="data:text/html,1">d</a><iframe src="https://e.org"></iframe><h1 style="x">h</h1>'
        "<svg><script>1</script></svg><style>p{}</style>"
    )
    clean = sanitise(dirty)
    assert "alert(1)" not in clean and "style" not in clean
    assert_inert(clean)


TRICKY = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "javascript:",
        "JaVaScRiPt:",
        "&#106;avascript:",
        "[x](",
        ")",
        "<a href=",
        '"',
        "'",
        " onload=",
        "<svg onload=alert(1)>",
        "data:text/html,",
        "\n\n",
        "`",
        "<",
        ">",
        "*",
        "# ",
        "<style>",
        "vbscript:",
        "<!--",
        "-->",
        "<iframe>",
        "\\",
        "%6A%61vascript:",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TRICKY, st.text(max_size=12)), max_size=25).map("".join))
def test_nothing_executable_survives_markdown(source: str) -> None:
    assert_inert(str(render(source)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TRICKY, st.text(max_size=12)), max_size=25).map("".join))
def test_nothing_executable_survives_the_sanitiser(source: str) -> None:
    assert_inert(sanitise(source))
