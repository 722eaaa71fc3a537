"""The one exception the renderer raises for problems an author must fix."""


class RenderError(Exception):
    """A book source cannot be rendered: the message names the file and the key/cell."""
