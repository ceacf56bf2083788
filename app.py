"""WSGI entry point: `flask --app app run`, `gunicorn app:app`."""

from inspection import create_app

app = create_app()
