"""The one error type configuration problems surface as."""


class ConfigError(Exception):
    """A configuration problem, already phrased as one line that names the fix."""
