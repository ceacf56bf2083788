"""验真 over the API: POST a PDF, learn whether it is a document as issued. No token: anyone holding a copy may ask."""

from math import ceil

from flask import jsonify, request

from inspection.blueprints.api import bp
from inspection.blueprints.api.common import api_error, error_response
from inspection.extensions import db
from inspection.i18n import N_, Message
from inspection.services.document_verification import (
    NotAPdf,
    UploadTooLarge,
    count_upload,
    read_upload,
    verify_document,
)


@bp.post("/verify")
def verify():
    """Answer ``{"match": bool, "document": {number, kind, status, issued_on} | null}`` for the multipart `file`."""
    upload = request.files.get("file")
    if upload is None:
        api_error(400, "bad_request", N_("请上传 PDF 文件（multipart 字段 file）"), {"file": N_("必填")})
    refusal = count_upload(request.remote_addr or "")
    db.session.commit()  # the count holds whatever happens next
    if refusal is not None:
        seconds = ceil(refusal.wait.total_seconds())
        response = error_response(
            429, "throttled", Message(N_("核验次数过多，请 %(seconds)s 秒后再试"), seconds=seconds)
        )
        response.headers["Retry-After"] = str(seconds)
        return response
    try:
        result = verify_document(read_upload(upload.stream))
    except UploadTooLarge as error:
        api_error(413, "too_large", error.args[0], {"file": error.args[0]})
    except NotAPdf as error:
        api_error(400, "not_pdf", error.args[0], {"file": error.args[0]})
    return jsonify(match=result.match, document=result.summary())
