"""`letters serve`: the campaign's web page, served by waitress (a production WSGI server)."""

from __future__ import annotations

import errno
import logging
import os
import signal
import sys
from pathlib import Path

import click

from ..directory.lookup import REPRESENT
from ..errors import InputError
from . import main
from .options import warn_if_stale

STATUS_VARIABLE = "LETTERS_STATUS_TOKEN"  # noqa: S105 (the variable's name)


@main.command(
    epilog="""\b
Examples:
  letters serve                                   # http://127.0.0.1:8000/
  letters serve --campaign end-ice-contracts --port 8080
  letters serve --ridings examples/ridings-edmonton.csv
  letters serve --host 0.0.0.0                    # reachable from the network: put HTTPS in front
  letters serve --no-lookup                       # no postal-code lookup: ridings from the list
  LETTERS_SMTP_PASSWORD=… letters serve --smtp-url smtps://letters@mail.example.org:465 \
    --from "Campaign name <letters@example.org>" --token-keys /etc/letters/token-keys
"""
)
@click.option(
    "--campaign",
    "campaign_id",
    help="Campaign id or folder (default: the current folder's, your only one, or end-ice-contracts).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--ridings",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="CSV of ridings (name, name_fr columns) to narrow the list to; default: every "
    "district of the directory in use.",
)
@click.option(
    "--lookup-url",
    default=REPRESENT,
    show_default=True,
    help="Where \"Find my MP\" asks a postal code's riding: Open North's Represent, or a "
    "mirror of its API. Only the postal code is sent; answers are kept in memory.",
)
@click.option(
    "--no-lookup",
    is_flag=True,
    help="No postal-code lookup: the constituent chooses the riding from the list (offline, "
    "or to send nothing to a third party).",
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
@click.option(
    "--smtp-url",
    help="Outgoing mail server, smtp://user@host:587 or smtps://user@host:465 (the password "
    'from LETTERS_SMTP_PASSWORD): adds "Send it for me" and /status (docs/sending.md).',
)
@click.option(
    "--from",
    "from_address",
    help='The address letters are sent from with --smtp-url: "Campaign name <letters@example.org>".',
)
@click.option(
    "--token-keys",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="File of confirmation-code keys, one hex key a line, the first signs (default: a new "
    "key each start; see docs/serve.md).",
)
def serve(
    campaign_id,
    host,
    port,
    ridings,
    lookup_url,
    no_lookup,
    pdfs_per_minute,
    workers,
    threads,
    timeout,
    secure_cookie,
    smtp_url,
    from_address,
    token_keys,
):
    """Serve the campaign's bilingual letter page (nothing personal is stored or logged).

    "Find my MP" asks Open North's Represent for the riding of the postal code typed (at most
    60 requests a minute for the whole server, as Represent asks); when it cannot be reached,
    the page says so and offers the list of ridings, and the log says why. A public page with
    more visitors needs its own mirror (--lookup-url) or --no-lookup: see docs/serve.md.
    """
    from ..web import create_app
    from ..web.server import make_server

    sending = _sending(smtp_url, from_address, token_keys)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(
        campaign_id,
        ridings_csv=ridings,
        lookup_url=None if no_lookup else lookup_url,
        pdfs_per_minute=pdfs_per_minute,
        processes=workers,
        timeout=timeout,
        secure_cookie=secure_cookie,
        sending=sending,
    )
    warn_if_stale(app.extensions["letters"].setting.directory)
    campaign = app.extensions["letters"].setting.campaign.id
    try:
        server = make_server(app, host, port, threads)  # limits for a public page
    except OSError as error:
        app.extensions["letters"].workers.close()
        raise _bind_error(error, host, port) from error
    click.echo(f"Serving {campaign} on http://{host}:{port}/ (Ctrl+C to stop)")
    if sending is not None:
        click.echo(
            f"Sending from {sending.operator} through {sending.server.host}:{sending.server.port};"
            f" delivery counts at http://{host}:{port}/status with the header"
            " 'Authorization: Bearer "
            + ("$" + STATUS_VARIABLE if os.environ.get(STATUS_VARIABLE) else sending.status_token)
            + "'"
        )
    # SIGTERM (a service manager, a test) stops like Ctrl+C: the PDF workers are shut down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run()
    finally:
        server.close()
        app.extensions["letters"].workers.close()


def _sending(smtp_url: str | None, from_address: str | None, token_keys: Path | None):
    """The send step's settings, or None (the page as without a mail server)."""
    if not smtp_url:
        if from_address or token_keys:
            raise InputError(
                "is needed for --from and --token-keys",
                field="--smtp-url",
                fix="give the outgoing mail server, e.g. --smtp-url smtps://letters@mail.example.org:465",
            )
        return None
    from ..sending.mail import MailServer, operator_address
    from ..sending.tokens import TokenKeys
    from ..web.send import Sending

    if not from_address:
        raise InputError(
            "is required with --smtp-url",
            field="--from",
            fix='give the address letters go out from, e.g. --from "Campaign <letters@example.org>"',
        )
    sending = Sending(
        MailServer.from_url(smtp_url),
        operator_address(from_address),
        TokenKeys.from_file(token_keys) if token_keys else TokenKeys.generate(),
    )
    if os.environ.get(STATUS_VARIABLE):
        sending.status_token = os.environ[STATUS_VARIABLE]
    return sending


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
