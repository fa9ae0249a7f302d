"""Domain errors: raised where a problem is detected, reported once at the top."""


class TidyReviewError(Exception):
    """Base class of every error the pipeline reports to its user."""


class SourceFormatError(TidyReviewError):
    """The source document is missing, unreadable or not in the expected format."""

    def __init__(self, path, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        where = f"{self.path} line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class ValidationFailed(TidyReviewError):
    """A published table failed its pandera schema."""


class ReleaseRefused(TidyReviewError):
    """The new release would lose rows against the previous one (see allow_shrink)."""


class InputError(TidyReviewError):
    """An input file (vocabulary, layout) is missing, empty or inconsistent with the review."""
