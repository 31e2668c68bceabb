"""Text for the page: escaping untrusted strings and formatting numbers (no Streamlit here)."""

from __future__ import annotations

import html
import math

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
    first = lines[0] if lines else ""
    return first if len(first) <= max_chars else first[: max_chars - 1] + "…"


def km2(value: float) -> str:
    """An area in km², rounded to what the data supports."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.0f}\u00a0km²" if abs(value) >= 100 else f"{value:,.1f}\u00a0km²"


def people(value: float) -> str:
    """A population figure, rounded to the nearest thousand above 10,000 (they are estimates)."""
    if value is None:
        return "–"
    value = float(value)
    if abs(value) >= 10_000:
        return f"{round(value, -3):,.0f}"
    return f"{value:,.0f}"


def km(value: float) -> str:
    """A length in km."""
    return f"{value:,.0f}\u00a0km" if abs(value) >= 100 else f"{value:,.1f}\u00a0km"


def signed(value: float, digits: int = 0) -> str:
    """A delta with its sign (+1,234 / −56 / ±0)."""
    if abs(value) < 10 ** -digits / 2:
        return "±0"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):,.{digits}f}"
