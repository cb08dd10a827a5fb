"""Why a record was not written: a short code for counting and a sentence for people."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str


class Rejected(Exception):  # noqa: N818 - a record's outcome, not a program error
    """Raised by validation; carries the :class:`Problem` written to the rejects file."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(code, message)


# Reject codes (also the keys the summary groups by).
MALFORMED_JSON = "malformed_json"
NOT_UTF8 = "not_utf8"
NOT_OBJECT = "not_object"
MISSING_ID = "missing_id"
EMPTY_ID = "empty_id"
WRONG_TYPE = "wrong_type"
BAD_NUMBER = "bad_number"
OVERSIZE = "oversize"
KEY_TOO_LONG = "key_too_long"
TOO_DEEP = "too_deep"
BAD_NAME = "bad_name"
BAD_STRING = "bad_string"
UNREADABLE = "unreadable"
DUPLICATE_ID = "duplicate_id"
# Not-written codes: the record was valid but DynamoDB did not take it.
UNPROCESSED = "unprocessed"
THROTTLED = "throttled"
WRITE_FAILED = "write_failed"
