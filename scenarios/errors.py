"""The scenario error type, importable without the model's dependencies."""

from geo.errors import UserError


class ScenarioError(UserError):
    """A scenario file or value is invalid; the message is one line naming the file, the field and the fix."""
