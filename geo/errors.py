"""The one base class of errors meant for the user, and the one normaliser of their messages.

Every error a person can cause (a bad file, name, date, width or polygon) is a
``UserError`` whose message is one short line naming the file, the field and
the fix; the command line prints it and exits with code 2, the app shows it in
the page. Anything else is a bug and goes to the log.
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 400


def one_line(message: object, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """A message as one short line: whitespace and line breaks folded, at most ``max_chars`` characters."""
    line = " ".join(str(message).split())
    return line if len(line) <= max_chars else line[: max_chars - 1] + "…"


class UserError(ValueError):
    """Bad input from the user; ``str(error)`` is one line saying what is wrong and how to fix it."""

    def __init__(self, message: object = ""):
        super().__init__(one_line(message))


class GeometryError(UserError):
    """A polygon given by the user cannot be used (unreadable, invalid, projected, outside Ukraine)."""


class ImportRefused(UserError):
    """An imported line of contact cannot be used; the message names the file, what is wrong and the fix."""
