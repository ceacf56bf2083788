"""Page arithmetic shared by every list paged in Python (the `pagination` macro reads these names, as it reads
Flask-SQLAlchemy's `Pagination`)."""


class PageNumbers:
    """The page numbers of a page whose class holds `page`, `per_page` and `total`."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """Return True when a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Return True when a next page exists."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """Return the previous page's number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """Return the next page's number."""
        return self.page + 1
