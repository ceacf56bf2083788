"""Blueprints: one module per area; name = module = URL prefix = template folder."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Response, flash
from wtforms import Field

from inspection.extensions import db
from inspection.media import MediaError
from inspection.models import StoredFile
from inspection.services import ServiceError


def file_response(file: StoredFile) -> Response:
    """Answer with a stored photo or signature; the browser may keep it a day (the bytes of an id never change)."""
    return Response(file.data, mimetype=file.content_type, headers={"Cache-Control": "private, max-age=86400"})


@dataclass
class Outcome:
    """How a unit of work ended: `ok` once it committed; `error` the refusal otherwise."""

    ok: bool = False
    error: ServiceError | MediaError | None = None


@contextmanager
def unit_of_work(*, flash_error: bool = True, image_field: Field | None = None) -> Iterator[Outcome]:
    """Run the service calls of one form submission as one transaction, the web's only commit.

    On success the work is committed and `outcome.ok` is set; on a ServiceError it is rolled back (committed
    when the error says the work recorded the refusal itself), its message flashed unless the view shows it
    next to a field, and the view goes on (typically re-rendering the form with what was typed). An upload that
    is not an acceptable image is refused the same way, its message shown at `image_field` when given::

        with unit_of_work() as outcome:
            notice = supersede_notice(...)
        if outcome.ok:
            return redirect(...)
    """
    outcome = Outcome()
    try:
        yield outcome
    except (ServiceError, MediaError) as error:
        if isinstance(error, ServiceError) and error.keep_work:
            db.session.commit()
        else:
            db.session.rollback()
        if image_field is not None and isinstance(error, MediaError):
            image_field.errors = [*image_field.errors, str(error)]
        elif flash_error:
            flash(str(error), "error")
        outcome.error = error
        return
    db.session.commit()
    outcome.ok = True
