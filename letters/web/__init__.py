"""`letters serve`: the campaign as a bilingual web page that hands each constituent their PDF.

Nothing personal is stored: the form is read, the letter composed and rendered in memory, and
the response is the only place the person's data goes. Logs carry counts and timings only.
"""

from .app import create_app

__all__ = ["create_app"]
