"""The Flask application: one page per language, a preview, and the PDF download."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale
from babel.numbers import format_decimal
from flask import (
    Flask,
    Request,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from ..campaign import campaign_ids, default_campaign_id
from ..compose import Letter, context_paragraphs
from ..errors import LettersError, visible
from ..i18n import (
    DOMAIN,
    Language,
    catalog_refusal,
    emphasis,
    languages,
    long_date,
    translations,
    typography,
)
from ..pipeline import Setting
from ..recipients import load_directory
from ..render import superscript_ordinals, text_gettext
from ..resources import locales_dir, templates_dir
from ..senders import NOTE_LIMIT, PROVINCES
from ..sending import Draft, attachment_name, email_message
from .form import (
    LABELS,
    MAX_FORM_VALUES,
    Problem,
    Reading,
    email_problems,
    read_form,
    start_reading,
    tr,
)
from .limits import TokenBucket
from .lookup import Lookup, riding_lookup
from .mailto import mailto_links
from .ridings import Riding, directory_ridings, load_ridings
from .send import SEND_ACTIONS, Sending, letter_day, send_step
from .send import register as register_sending
from .signing import to_data_url
from .workers import PdfWorkers, RenderTimeout

log = logging.getLogger("letters.web")

MAX_REQUEST_BYTES = 3 * 1024 * 1024
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


class LettersFlask(Flask):
    def select_jinja_autoescape(self, filename: str) -> bool:
        return True  # our templates end in .j2, which Flask would not escape by default


class InMemoryRequest(Request):
    """Uploads stay in memory (Werkzeug would spool big ones to a temporary file)."""

    max_form_memory_size = MAX_REQUEST_BYTES

    def _get_file_stream(
        self, total_content_length, content_type, filename=None, content_length=None
    ):
        return io.BytesIO()


@dataclass
class Site:
    """What the app holds between requests: the campaign, never a person's data."""

    setting: Setting
    ridings: tuple[Riding, ...]
    limit: TokenBucket
    workers: PdfWorkers
    lookup: Lookup | None = None
    counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, event: str) -> int:
        with self._lock:
            self.counts[event] = self.counts.get(event, 0) + 1
            return self.counts[event]


def create_app(
    campaign: str | None = None,
    *,
    ridings_csv: Path | None = None,
    lookup_url: str | None = None,
    pdfs_per_minute: float = 10,
    burst: int = 5,
    processes: int = 2,
    timeout: float = 20.0,
    secure_cookie: bool = False,
    sending: Sending | None = None,
) -> Flask:
    """Build the app for one campaign (default: `campaign.default_campaign_id`).

    `secure_cookie` marks the session cookie `Secure` (the page is served over https by a proxy:
    the app itself sees plain http and cannot tell). `sending` (an outgoing mail server) adds
    "Send it for me" and `/status` (letters/web/send.py); without it the page only downloads.
    """
    campaign = campaign or _only_campaign()
    _log_refused_catalogs()
    lookup = riding_lookup(lookup_url)
    directory = load_directory()
    setting = Setting.load(campaign, directory)
    site = Site(
        setting=setting,
        ridings=directory_ridings(directory, load_ridings(ridings_csv) if ridings_csv else None),
        limit=TokenBucket(pdfs_per_minute, burst),
        workers=PdfWorkers(processes, timeout),
        lookup=lookup,
    )
    app = LettersFlask(
        __name__,
        template_folder=str(templates_dir() / "web"),
        static_folder="static",
        static_url_path="/static",
    )
    app.request_class = InMemoryRequest
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # per process: a restart only expires open forms
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_REQUEST_BYTES,
        MAX_FORM_PARTS=MAX_FORM_VALUES,
        SESSION_COOKIE_NAME="letters_csrf",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=secure_cookie,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.extensions["letters"] = site
    _install_gettext(app)
    _register(app, site)
    if sending is not None:
        app.extensions["letters.send"] = sending
        register_sending(app, sending)
    return app


def _log_refused_catalogs() -> None:
    """A catalog refused for its Plural-Forms is not offered: say so once, on one line."""
    for mo in sorted(locales_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
        refusal = catalog_refusal(mo.parent.parent.name)
        if refusal is not None:
            log.error(
                "language %s is not offered: %s", mo.parent.parent.name, visible(str(refusal))
            )


def _only_campaign() -> str:
    campaign = default_campaign_id()
    if campaign is None:
        raise LettersError(
            "is required",
            field="campaign",
            fix=f"pass --campaign, one of: {', '.join(campaign_ids())}",
        )
    return campaign


def _install_gettext(app: Flask) -> None:
    """Templates translate through the letters' own catalogs, in the request's language."""
    env = app.jinja_env
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True  # as `letters i18n extract` reads them
    env.filters["emphasis"] = emphasis  # campaign texts: *Title of an Act* in italics
    env.filters["ordinal"] = superscript_ordinals  # the preview's date, as the PDF prints it

    def lang() -> str:
        return g.get("lang", "en")

    env.install_gettext_callables(
        **text_gettext(  # translations are text: escaped, see letters.render.text_gettext
            gettext=lambda message: tr(lang(), message),
            ngettext=lambda one, many, n: typography(
                translations(lang()).ungettext(one, many, n), lang()
            ),
            pgettext=lambda context, message: typography(
                translations(lang()).upgettext(context, message), lang()
            ),
            npgettext=lambda context, one, many, n: typography(
                translations(lang()).unpgettext(context, one, many, n), lang()
            ),
        ),
        newstyle=True,
    )


def _best_language() -> str:
    return request.accept_languages.best_match(languages(), default="en")


def _language_name(code: str) -> str:
    name = Locale.parse(code).get_display_name(code)
    return name[0].upper() + name[1:]


def _register(app: Flask, site: Site) -> None:
    @app.before_request
    def choose_language() -> None:
        asked = (request.view_args or {}).get("lang")
        g.lang = asked if asked in languages() else _best_language()
        g.started = time.perf_counter()
        if _form_values() > MAX_FORM_VALUES:
            abort(413)  # more values than the form has fields: not a person's post or step

    @app.after_request
    def secure(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        response.vary.add("Accept-Language")
        return response

    @app.context_processor
    def page_context() -> dict:
        lang = g.get("lang", "en")
        return {
            "lang": lang,
            "lang_tag": Language(lang).tag,
            # On the letter page the switch is a button that posts the form to the other
            # language's page: every field and the drawing come along, nothing is stored.
            "switch": [
                (code, _language_name(code), url_for("page", lang=code))
                for code in languages()
                if code != lang
            ],
            "csrf_token": _csrf_token,
            **_footer_dates(site.setting.directory, lang),
        }

    @app.get("/")
    def home() -> Response:
        return redirect(url_for("page", lang=_best_language()), 303)

    @app.route("/<lang>/", methods=["GET", "POST"])
    def page(lang: str):
        if lang not in languages():
            abort(404)
        live = request.method == "POST" and request.headers.get("X-Letters-Live") == "1"
        if request.method == "GET":
            site.count("page")
            if not (request.args.get("postal_code") or request.args.get("riding")):
                return _page(
                    site, start_reading(request.args, lang, site.setting.letter_languages())
                )
            # A step (the MP found, the riding chosen, a letter updated without JavaScript) is
            # an address, so Back returns to it: nothing is kept on the server.
            action = "preview" if request.args.get("action") == "preview" else "find"
            reading = read_form(
                site.setting,
                site.ridings,
                request.args,
                None,
                lang,
                date.today(),
                _rate_limited(site),
                action=action,
            )
            return _page(site, reading), 422 if reading.problems else 200
        if not _csrf_ok():
            reading = start_reading(request.form, lang, site.setting.letter_languages())
            reading.problems.append(_expired(lang))
            return (_parts(site, reading) if live else _page(site, reading)), 400
        action = request.form.get("action", "preview")
        if action in ("preview", "switch", "find") and not live and _url_can_carry(request):
            return redirect(_step_url(lang, request.form), 303)  # post, redirect, get
        sending = app.extensions.get("letters.send")
        send = sending is not None and action in SEND_ACTIONS
        reading = read_form(
            site.setting,
            site.ridings,
            request.form,
            request.files.get("signature_file"),
            lang,
            letter_day(request.form) if send else date.today(),
            _rate_limited(site),
            action="download" if send else action,  # sending asks for everything, as Download
        )
        if send:
            return send_step(sending, reading, action, partial(_page, site), site.workers.render)
        if action == "email" and reading.letter is not None and not reading.problems:
            # no known address (a minister's): print and mail it instead
            reading.problems.extend(email_problems(reading.letter, lang))
        if live:
            site.count("live")
            return _parts(site, reading)
        if reading.problems:
            site.count("problem")
            return _page(site, reading), 422
        if action == "download":
            return _download(site, reading.letter)
        if action == "email":
            return _download(site, reading.letter, Draft.from_letter(reading.letter))
        site.count("preview")
        return _page(site, reading)

    @app.get("/fonts/<name>")
    def fonts(name: str):
        if not name.endswith((".ttf", ".otf")):
            abort(404)
        return send_from_directory(templates_dir() / "fonts", name)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("error.html.j2", code=error.code), error.code or 500

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # The type only: a message could carry what someone typed.
        log.error("unexpected %s", type(error).__name__)
        return render_template("error.html.j2", code=500), 500


def _form_values() -> int:
    """How many values the request carries, in its address (a step) and its post (every repeat
    of a name counts)."""
    posted = 0
    if request.method == "POST":
        posted = sum(len(values) for values in request.form.listvalues()) + len(request.files)
    return posted + sum(len(values) for values in request.args.listvalues())


def _csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok() -> bool:
    expected = session.get("csrf")
    given = request.form.get("csrf_token", "")
    return bool(expected) and hmac.compare_digest(str(expected), given)


def _expired(lang: str) -> Problem:
    return Problem(
        "letter-form",
        tr(lang, "The form has expired: check your details and send it again."),
    )


def _rate_limited(site: Site) -> Lookup | None:
    """The lookup, limited per client like downloads whenever it would ask the network."""
    if site.lookup is None:
        return None
    client = request.remote_addr or "?"
    return partial(site.lookup, allow=lambda: site.limit.take(client) == 0)


def _download(site: Site, letter: Letter, draft: Draft | None = None) -> Response:
    """The PDF, or with `draft` an email (.eml) with the PDF attached, as a download."""
    wait = site.limit.take(request.remote_addr or "?")
    if wait:
        site.count("limited")
        response = Response(
            render_template(
                "error.html.j2",
                code=429,
                per_minute=_number(site.limit.per_minute),
                seconds=_number(int(wait) + 1),
            ),
            status=429,
        )
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    started = time.perf_counter()
    try:
        pdf = site.workers.render(letter)
    except RenderTimeout:
        site.count("timeout")
        log.warning("pdf timed out after %.0f ms", (time.perf_counter() - started) * 1000)
        response = Response(render_template("error.html.j2", code=503), status=503)
        response.headers["Retry-After"] = "10"
        return response
    log.info(
        "pdf rendered in %.0f ms (%d so far)",
        (time.perf_counter() - started) * 1000,
        site.count("pdf"),
    )
    stem = f"{letter.campaign_id}-{letter.recipient_id.replace(':', '-')}-{letter.lang}"
    if draft is not None:
        message = email_message(draft, pdf, attachment_name(letter))
        response, name = Response(message, mimetype="message/rfc822"), f"{stem}.eml"
    else:
        response, name = Response(pdf, mimetype="application/pdf"), f"{stem}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# What a step's address carries: the form's words, never the signature's pixels or the token.
STEP_FIELDS = (
    "postal_code", "riding", "riding_pick", "searched", "to", "demand", "demands_shown",
    "letter_lang", "envelope", "signature_mode", "name", "street1", "street2", "city",
    "province", "email", "note", "signature_typed", "checked",
)  # fmt: skip


def _url_can_carry(posted: Request) -> bool:
    """A post without JavaScript becomes an address (POST-redirect-GET) unless it carries a
    picture: a drawing or an upload stays a post, as an address cannot hold it."""
    upload = posted.files.get("signature_file")
    return not posted.form.get("signature_drawn") and not (upload and upload.filename)


def _step_url(lang: str, form) -> str:
    query = [(name, value) for name in STEP_FIELDS for value in form.getlist(name) if value]
    if form.get("action") != "find":
        query.append(("action", "preview"))
    return url_for("page", lang=lang) + "?" + urlencode(query)


def _number(value: float) -> str:
    return format_decimal(value, locale=Language(g.get("lang", "en")).locale)


def _context(site: Site, reading: Reading, signature_shown: str = "") -> dict:
    """What the page and its live parts are rendered from."""
    campaign = site.setting.campaign
    language = site.setting.language(reading.lang)
    preview = reading.letter
    kept = (
        to_data_url(reading.signature_png)
        if reading.signature_png and reading.mode in ("draw", "upload")
        else ""
    )
    chosen = set(reading.demands) if reading.found else {d.id for d in campaign.demands}
    ready = reading.ready
    signature = to_data_url(preview.signature_png) if preview and preview.signature_png else ""
    signature_hash = _digest(signature) if signature else ""
    title = language.gettext(campaign.title)
    step = [("postal_code", reading.values["postal_code"])] if reading.searched else []
    step += [("searched", reading.values["postal_code"])] if reading.searched else []
    step += [("riding", reading.values["riding"])] if reading.riding else []
    return dict(
        reading=reading,
        # the letter and the sender's part: once one riding (or another recipient) is known
        letter_step=reading.found and not (reading.candidates and reading.riding is None),
        step_query=urlencode(step),
        values=reading.values,
        problems=reading.problems,
        errors={p.input_id: p for p in reversed(reading.problems)},
        demand_input=f"demand-{campaign.demands[0].id}",
        labels={key: tr(reading.lang, text) for key, text in LABELS.items()},
        title=title,
        page_title=(tr(reading.lang, "Error:") + " " + title) if reading.problems else title,
        context=context_paragraphs(campaign, None, language, site.setting.directory),
        demands=[(d.id, language.gettext(d.title), d.id in chosen) for d in campaign.demands],
        recipients=_recipient_choices(site, reading.lang),
        provinces=[(p.code, p.name_fr if reading.lang == "fr" else p.name_en) for p in PROVINCES],
        ridings=[r.name(reading.lang) for r in site.ridings],
        letter_languages=[(c, _language_name(c)) for c in site.setting.letter_languages()],
        note_limit=NOTE_LIMIT,
        note_limit_text=_number(NOTE_LIMIT),
        lookup=site.lookup is not None,
        kept_signature=kept,
        preview=preview,
        ready=ready,
        mailto=mailto_links(preview) if ready else None,
        # The browser already shows this signature: the live part leaves its pixels out.
        preview_signature="" if signature_hash == signature_shown else signature,
        signature_hash=signature_hash,
        preview_words=_preview_words(preview) if preview else None,
    )


LIVE_PARTS = ("summary", "preview", "send")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain_parts(context: dict) -> dict[str, str]:
    """Each live part as rendered without the signature's pixels (they have their own digest):
    what the part digests are taken of."""
    plain = {**context, "preview_signature": ""}
    return {name: render_template(f"{name}.html.j2", **plain) for name in LIVE_PARTS}


def _page(site: Site, reading: Reading) -> str:
    context = _context(site, reading)
    digests = {name: _digest(html) for name, html in _plain_parts(context).items()}
    return render_template("page.html.j2", digests=digests, **context)


def _parts(site: Site, reading: Reading) -> Response:
    """A live update: the title, the errors by field, whether the letter is ready, and only the
    parts (error list, letter, send bar) that differ from the digests the browser sent."""
    form = request.form
    context = _context(site, reading, form.get("signature_shown", ""))
    shown = dict(
        pair.split(":", 1) for pair in form.get("parts_shown", "").split(",") if ":" in pair
    )
    parts = {}
    for name, html in _plain_parts(context).items():
        if name == "preview" and reading.letter is None:
            continue  # nothing to compose yet (an error says why): the last letter stays
        digest = _digest(html)
        if shown.get(name) != digest:
            if name == "preview" and context["preview_signature"]:
                html = render_template("preview.html.j2", **context)  # with the pixels
            parts[name] = {"digest": digest, "html": html}
    errors = [[p.input_id, p.sentence, *(p.link or ())] for p in context["errors"].values()]
    answer = dict(
        title=context["page_title"],
        ready=reading.ready,
        nudge=reading.nudge,
        errors=errors,
        parts=parts,
    )
    # Accents as UTF-8, not \u escapes, and gzip: the letter and its mailto: links repeat
    # themselves. (No secret rides in an update, so compressing it leaks nothing: BREACH.)
    body = json.dumps(answer, ensure_ascii=False).encode()
    response = Response(body, mimetype="application/json")
    if "gzip" in request.accept_encodings:
        response.set_data(gzip.compress(body, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _preview_words(letter: Letter) -> dict[str, str]:
    """The few words the letter template adds itself, in the letter's language (not the page's)."""
    email = letter.recipient_email
    return {
        "by_email": tr(letter.lang, "By email: %(email)s") % {"email": email} if email else "",
        "subject": tr(letter.lang, "Subject: %(subject)s") % {"subject": letter.subject},
        "signature": tr(letter.lang, "Signature"),
    }


def _recipient_choices(site: Site, lang: str) -> list[tuple[str, str]]:
    """The other recipients: the Prime Minister and the campaign's ministers."""
    directory = site.setting.directory
    pm = directory.find("pm")
    choices = [("pm", tr(lang, "The Prime Minister, %(name)s") % {"name": pm.full_name})]
    for portfolio in site.setting.campaign.portfolios():
        minister = directory.find(f"minister:{portfolio}")
        title = minister.portfolio.title_fr if lang == "fr" else minister.portfolio.title_en
        choices.append(
            (
                minister.id,
                tr(lang, "%(name)s, %(title)s") % {"name": minister.full_name, "title": title},
            )
        )
    return choices


def _footer_dates(directory, lang: str) -> dict[str, str | None]:
    """The House's date, and the ministers' when it differs ("27 septembre 2026", the footer
    says "à jour au …"): the page dates its data as `letters recipients` does."""

    def day(when) -> str:
        return long_date(when, lang).removeprefix("le ")

    house = directory.house_as_of or directory.as_of
    return {
        "directory_date": day(house),
        "ministers_date": day(directory.as_of) if directory.as_of != house else None,
    }
