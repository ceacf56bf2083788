"""Flask-WTF form classes. Forms are built in views, never in templates."""
