"""`letters serve`: the campaign's web page, served by waitress (a production WSGI server)."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import click

from . import main
from .options import warn_if_stale


@main.command(
    epilog="""\b
Examples:
  letters serve                                   # http://127.0.0.1:8000/
  letters serve --campaign end-ice-contracts --port 8080
  letters serve --ridings ../shared/data/ca_federal_electoral_districts-2023.csv
  letters serve --host 0.0.0.0                    # reachable from the network: put HTTPS in front
"""
)
@click.option("--campaign", "campaign_id", help="Campaign id (default: the only one installed).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--ridings",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="CSV of ridings (name, name_fr columns) to narrow the list to; default: every "
    "district of the directory in use.",
)
@click.option("--lookup-url", help="Postal-code lookup service (needs the letters.lookup module).")
@click.option(
    "--pdfs-per-minute",
    default=10.0,
    show_default=True,
    help="PDFs each client may download a minute (0: no limit, for load tests only).",
)
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="PDF processes."
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="HTTP threads."
)
@click.option(
    "--timeout",
    default=20.0,
    show_default=True,
    help="Seconds one PDF may take before it is dropped.",
)
def serve(campaign_id, host, port, ridings, lookup_url, pdfs_per_minute, workers, threads, timeout):
    """Serve the campaign's bilingual letter page (nothing personal is stored or logged)."""
    import waitress

    from ..web import create_app
    from ..web.app import MAX_REQUEST_BYTES

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(
        campaign_id,
        ridings_csv=ridings,
        lookup_url=lookup_url,
        pdfs_per_minute=pdfs_per_minute,
        processes=workers,
        timeout=timeout,
    )
    warn_if_stale(app.extensions["letters"].setting.directory)
    campaign = app.extensions["letters"].setting.campaign.id
    click.echo(f"Serving {campaign} on http://{host}:{port}/ (Ctrl+C to stop)")
    # SIGTERM (a service manager, a test) stops like Ctrl+C: the PDF workers are shut down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        waitress.serve(
            app,
            host=host,
            port=port,
            threads=threads,
            max_request_body_size=MAX_REQUEST_BYTES + 64 * 1024,
            ident="letters",
            _quiet=True,
        )
    finally:
        app.extensions["letters"].workers.close()
