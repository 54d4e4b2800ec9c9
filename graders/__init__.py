"""The grading engine: stages, rubric, report model, feedback renderers, exporters."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("backend-classroom")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
