"""Error types of the command line and the exporters, importable without their heavy dependencies."""

from geo.errors import UserError


class UsageError(UserError):
    """A bad command-line value; the message is one line."""


class ExportError(UserError):
    """An export cannot be written; the message is one line naming the file and the fix."""
