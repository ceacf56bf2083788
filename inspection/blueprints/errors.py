"""Error pages in the reader's language for people, JSON for programs."""

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from inspection.blueprints import BadParameter, translated
from inspection.extensions import db
from inspection.i18n import N_
from inspection.security import log_refusal

MESSAGES = {
    400: N_("请求无效，请检查后重试。"),
    401: N_("请先登录。"),
    403: N_("您没有权限访问此页面。"),
    404: N_("页面不存在，或您无权查看。"),
    405: N_("不支持此操作。"),
    413: N_("上传的内容太大。"),
    429: N_("请求过于频繁，请稍后再试。"),
    500: N_("服务器出错了，已记录。请稍后再试。"),
}
CSRF_MESSAGE = N_("页面已过期或来源无法确认，请刷新页面后重新提交。")


def register_error_handlers(app: Flask) -> None:
    """Render every HTTP error as a page (or JSON for API clients) and roll back on server errors."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        # A parameter a view could not read says which and why; werkzeug's own descriptions are English.
        message = error.description if isinstance(error, BadParameter) else MESSAGES.get(status, error.description)
        return _render(status, message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log_refusal("security.csrf_failed", error.description or "")
        return _render(400, CSRF_MESSAGE)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        if app.testing:
            raise error
        app.logger.exception("unhandled error")
        return _render(500, MESSAGES[500])


def _render(status: int, message: str):
    message = translated(message or N_("出错了"))
    if _wants_json():
        return jsonify(error={"code": status, "message": message, "fields": {}}), status
    return render_template("errors/error.html", status=status, message=message), status


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
