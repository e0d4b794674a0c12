"""`letters serve`: the campaign's web page, served by waitress (a production WSGI server)."""

from __future__ import annotations

import errno
import logging
import signal
import sys
from pathlib import Path

import click

from ..errors import InputError
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
@click.option(
    "--lookup-url", help="Postal-code lookup service (needs the letters.directory.lookup module)."
)
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
@click.option(
    "--secure-cookie",
    is_flag=True,
    help="Mark the session cookie Secure: set it when a proxy serves the page over https.",
)
def serve(
    campaign_id,
    host,
    port,
    ridings,
    lookup_url,
    pdfs_per_minute,
    workers,
    threads,
    timeout,
    secure_cookie,
):
    """Serve the campaign's bilingual letter page (nothing personal is stored or logged)."""
    from ..web import create_app
    from ..web.server import make_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(
        campaign_id,
        ridings_csv=ridings,
        lookup_url=lookup_url,
        pdfs_per_minute=pdfs_per_minute,
        processes=workers,
        timeout=timeout,
        secure_cookie=secure_cookie,
    )
    warn_if_stale(app.extensions["letters"].setting.directory)
    campaign = app.extensions["letters"].setting.campaign.id
    try:
        server = make_server(app, host, port, threads)  # limits for a public page
    except OSError as error:
        app.extensions["letters"].workers.close()
        raise _bind_error(error, host, port) from error
    click.echo(f"Serving {campaign} on http://{host}:{port}/ (Ctrl+C to stop)")
    # SIGTERM (a service manager, a test) stops like Ctrl+C: the PDF workers are shut down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run()
    finally:
        server.close()
        app.extensions["letters"].workers.close()


def _bind_error(error: OSError, host: str, port: int) -> InputError:
    """Why the page cannot listen there, naming the option to change."""
    if error.errno == errno.EADDRINUSE:
        return InputError(
            f"port {port} on {host} is already in use",
            field="--port",
            fix=f"choose another, e.g. --port {port + 1 if port < 65535 else 8080}, "
            "or stop the program that uses it",
        )
    if error.errno == errno.EACCES:
        return InputError(
            f"not allowed to listen on port {port}",
            field="--port",
            fix="use a port above 1023, e.g. --port 8000",
        )
    return InputError(
        f"cannot listen on {host}:{port} ({error.strerror or error})",
        field="--host",
        fix="use an address of this machine, e.g. --host 127.0.0.1",
    )
