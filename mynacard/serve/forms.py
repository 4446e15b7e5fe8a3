"""The parts of a form: each known part at most once, and no others.

FastAPI reads a form's parts by name and passes over the rest, so a second ``file`` part
silently replaced the first and a misspelt field (``profle=icao``) silently did nothing. The
service's JSON models forbid unknown fields (422 ``request.invalid`` naming the field); a form
is held to the same rule, and a part sent twice is 422 ``request.invalid`` with a problem
coded ``request.duplicate_part``. Error bodies name a part only when its name looks like a
field name (a name could be anything a caller typed), as holder errors do.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable

from fastapi import Depends, Request

from mynacard import logs
from mynacard.serve.errors import ServiceError

_NAME_LIKE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def check_parts(names: Iterable[str], known: Collection[str]) -> None:
    """Raise 422 ``request.invalid`` when a part of ``known`` is repeated or a name is not in ``known``."""
    problems = []
    for name, count in Counter(names).items():
        if name in known:
            if count > 1:
                problems.append(_problem(f"body.{name}", "request.duplicate_part",
                                         f"sent {count} times: send this part once",
                                         f"{count} 回送られています。1 回だけ送ってください"))
            continue
        shown = name if _NAME_LIKE.fullmatch(name) and not logs.contains_number(name) else "(unknown field)"
        problems.append(_problem(f"body.{shown}", "request.invalid",
                                 f"unknown field (known: {', '.join(known)})", "この項目は受け付けていません"))
    if problems:
        fields = ", ".join(sorted({p["field"] for p in problems}))
        raise ServiceError("request.invalid", f"invalid form: {fields}", problems=problems)


def form_parts():
    """A route dependency: :func:`check_parts` on the request's form (the one FastAPI parsed),
    the known parts being the route's own ``Form`` and ``File`` parameters, in their order."""

    async def check(request: Request) -> None:
        known = [p.alias for p in request.scope["route"].dependant.body_params]
        form = await request.form()
        check_parts((name for name, _ in form.multi_items()), known)

    return Depends(check)


def _problem(field: str, code: str, message: str, message_ja: str) -> dict:
    return {"field": field, "code": code, "message": message, "message_ja": message_ja, "record": None}
