"""Text for the page: escaping untrusted strings and one-line messages (no Streamlit here)."""

from __future__ import annotations

import html

from borderline.format import km, km2, people, signed  # noqa: F401  (the page's number style, re-exported)
from geo.errors import one_line as normalise

# Characters with a meaning in Streamlit's Markdown (CommonMark, GitHub tables, :emoji:, $LaTeX$, ~strike~).
_MARKDOWN = set("\\`*_{}[]()#+-.!|:$~")
_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#x27;"}


def esc(text: object) -> str:
    """Escape text for an HTML context (tooltips, legends, labels).

    Braces become entities too: folium (through branca) compiles the HTML and
    JavaScript it generates as a Jinja template, so a name holding ``{{ ... }}``
    would otherwise run as template code on the server.
    """
    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def md(text: object, max_chars: int = 4000) -> str:
    """Escape untrusted text for st.markdown / st.error, so it shows literally.

    HTML special characters become entities and Markdown punctuation is
    backslash-escaped, so a name cannot add links, images (which would make
    the browser fetch them), formatting or HTML to the page.
    """
    value = str(text)
    if len(value) > max_chars:
        value = value[: max_chars - 1] + "…"
    return "".join(_HTML.get(c) or ("\\" + c if c in _MARKDOWN else c) for c in value)


def one_line(text: object, max_chars: int = 300) -> str:
    """The first line of a message, shortened: what a user sees of an error."""
    lines = str(text).strip().splitlines()
    return normalise(lines[0] if lines else "", max_chars)
