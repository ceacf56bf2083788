# Copy to instance/config.py and adapt. Environment variables (SECRET_KEY, DATABASE_URL, CAREINSPECT_*) win over it.
SECRET_KEY = "generate with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://careinspect:secret@127.0.0.1:5432/careinspect"
# SESSION_IDLE_MINUTES = 30
# SESSION_ABSOLUTE_HOURS = 12
# MAX_CONTENT_LENGTH = 16 * 1024 * 1024
# WORKERS = 4  # gunicorn workers; check-deploy refuses SQLite with more than one
