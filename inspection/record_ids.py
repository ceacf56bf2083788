"""Record ids as the database holds them: the largest one, and reading one from text. Pure: services use it too."""

#: Largest id a path, query or body may name (the columns are 32-bit integers; larger numbers overflow the drivers).
MAX_ID = 2**31 - 1


def parse_id(text: str) -> int | None:
    """Return the id `text` names (plain digits, as a URL or a form carries it), None when it is anything else or a
    number no id column holds."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)) and int(text) <= MAX_ID:
        return int(text)
    return None
