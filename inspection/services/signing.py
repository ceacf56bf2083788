"""Signing a document as its issuing department, with the key the app's settings name for that department.

The one service that reads settings itself: every issued document must be signed, and passing the keys down from
each view that issues one (notices, 复查意见书, food result records, over the web and the API) would put the same
argument on every path. `inspection/signing.py` does the signing and holds no Flask.
"""

import os
from datetime import datetime

from flask import current_app

from inspection.i18n import N_
from inspection.models import Department
from inspection.services import ServiceError
from inspection.signing import SignedDocument, SigningKeyError, department_signer, setting, sign_document

TSA_SETTING = "SIGNING_TSA_URL"


class SigningUnavailable(ServiceError):
    """The issuing department has no usable signing key: nothing is issued (a configuration problem)."""

    status = 503
    code = "signing_unavailable"


def sign_as_department(pdf: bytes, department: Department, *, signed_at: datetime | None = None) -> SignedDocument:
    """Sign `pdf` with `department`'s key (PAdES; B-T when SIGNING_TSA_URL names a timestamp authority).

    :raises SigningUnavailable: if the department has no key configured or its file cannot be read.
    """
    config = current_app.config
    try:
        signer = department_signer(department.code, department.name, config, os.environ)
    except SigningKeyError as error:
        raise SigningUnavailable(N_("%(problem)s：无法签发文书，请联系系统管理员"), problem=error.args[0]) from None
    return sign_document(pdf, signer, signed_at=signed_at, tsa_url=setting(TSA_SETTING, config, os.environ) or None)
