"""The scenario error type, importable without the model's dependencies."""


class ScenarioError(ValueError):
    """A scenario file or value is invalid; the message is one line naming the file, the field and the fix."""
