"""The bench's clients, and the check every timed request passes before its time counts.

Every part of the bench (pages in-process, the end-to-end servers, the load test, the
reports) asks through `client()` or at `HOST`, the one host the bench's settings allow, and
passes each answer through `check()`: a row that gets an error page, a redirect to the
sign-in page or a page without its marker stops the bench with the row's name, the status
and the first lines of the body, so an error is never timed as a page.
"""

from __future__ import annotations

# The host every bench request names; bench/run.py gives its child (and the servers it
# starts) ZHIYUAN_ALLOWED_HOSTS=HOST.
HOST = "127.0.0.1"


class RowFailed(SystemExit):
    """A bench row got something other than its page: the bench stops, non-zero."""

    def __init__(self, row: str, status: int, body: bytes, reason: str):
        lines = body.decode("utf-8", "replace").strip().splitlines()[:8]
        excerpt = "\n".join(f"    {line[:160]}" for line in lines) or "    (empty body)"
        super().__init__(f"bench row {row!r} failed: {reason} (status {status})\n{excerpt}")
        self.row = row
        self.status = status


def check(row: str, status: int, body: bytes, marker: str, *, expected: int = 200) -> None:
    """Raise RowFailed unless the answer has the expected status and contains `marker`."""
    if status != expected:
        raise RowFailed(row, status, body, f"expected status {expected}")
    if marker.encode() not in body:
        raise RowFailed(row, status, body, f"the body lacks its marker {marker!r}")


def checked(row: str, response, marker: str, *, expected: int = 200):
    """`check()` a django.test.Client response, and return it."""
    check(row, response.status_code, response.content, marker, expected=expected)
    return response


def client(user=None, **headers):
    """A django.test.Client naming the host the settings allow, signed in as `user` if given."""
    from django.conf import settings
    from django.test import Client

    allowed = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
    bench_client = Client(HTTP_HOST=allowed[0] if allowed else HOST, **headers)
    if user is not None:
        bench_client.force_login(user)
    return bench_client
