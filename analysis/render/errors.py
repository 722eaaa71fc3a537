"""The one exception the renderer raises for problems an author must fix."""
from analysis.errors import PipelineError


class RenderError(PipelineError):
    """A book source cannot be rendered: the message names the file and the key/cell.

    A PipelineError, so `python -m analysis render` reports it in one message and exits
    non-zero without a traceback, like a failed acquire or extract.
    """
