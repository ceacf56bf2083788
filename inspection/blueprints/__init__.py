"""Blueprints: one module per area; name = module = URL prefix = template folder."""
