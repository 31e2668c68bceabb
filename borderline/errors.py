"""Error types of the command line and the exporters, importable without their heavy dependencies."""


class UsageError(ValueError):
    """A bad command-line value; the message is one line."""


class ExportError(ValueError):
    """An export cannot be written; the message is one line naming the file and the fix."""
