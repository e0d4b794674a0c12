"""`letters serve` through Flask's test client: the form, its errors, the PDF, and hostile input."""

from __future__ import annotations

import base64
import io
import logging
import re
import struct
import zlib
from html import unescape

import pytest
from markupsafe import escape
from PIL import Image
from pypdf import PdfReader

from letters.web import create_app
from letters.web.limits import TokenBucket
from letters.web.workers import PdfWorkers, RenderTimeout

from .conftest import DAY, SHARED, pdf_text
from .directory.test_lookup import Represent, serve_represent

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
HOSTILE = (
    '<img src="file:///etc/passwd">',
    "{{ 7*7 }}",
    '</p><link rel="attachment" href="file:///etc/hostname">',
)


@pytest.fixture(scope="session")
def app():
    app = create_app("end-ice-contracts", pdfs_per_minute=0, processes=1)
    yield app
    app.extensions["letters"].workers.close()


@pytest.fixture
def client(app):
    return app.test_client()


def token(client, lang: str = "en") -> str:
    """The anti-forgery token of the letter form (the letter step: the MP is known)."""
    html = client.get(f"/{lang}/?postal_code=T6E1Z8&riding=Edmonton+Strathcona").get_data(
        as_text=True
    )
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


FIELDS = {
    "name": "Heather Lim",
    "street1": "10234 82 Avenue NW",
    "city": "Edmonton",
    "province": "AB",
    "postal_code": "t6e1z8",
    "riding": "Edmonton Strathcona",
    "to": "pm",
    "signature_mode": "typed",
    "demands_shown": "1",
}


def post(client, lang: str = "en", action: str = "preview", **changes):
    data = {**FIELDS, "letter_lang": lang, "csrf_token": token(client, lang), "action": action}
    data.setdefault("demand", ["export-permits", "field-offices"])
    data.update(changes)
    # A post without JavaScript is redirected to its step's address (POST-redirect-GET).
    return client.post(
        f"/{lang}/", data=data, content_type="multipart/form-data", follow_redirects=True
    )


def png(width: int = 300, height: int = 100) -> bytes:
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    for x in range(20, width - 20):
        image.putpixel((x, height // 2 + (x % 7)), (0, 0, 80, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def summary(html: str) -> list[tuple[str, str]]:
    """The error summary's (link target, text) pairs."""
    block = html[html.index('id="error-summary"') :].split("</div>")[0]
    return [
        (target, unescape(text))
        for target, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', block)
    ]


def test_home_redirects_to_the_browsers_first_language(client):
    assert (
        client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}).location == "/fr/"
    )
    assert client.get("/", headers={"Accept-Language": "de,en;q=0.5"}).location == "/en/"
    assert client.get("/").location == "/en/"


def test_unknown_language_or_page_gets_a_404_page_not_a_crash(client):
    response = client.get("/de/", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    assert client.get("/nowhere/at/all").status_code == 404


def test_french_page_speaks_french_and_links_to_english(client):
    html = client.get("/fr/").get_data(as_text=True)
    assert '<html lang="fr-CA">' in html
    assert "Code postal" in html and "Trouver mon député" in html
    # Before the letter, the switch is a link to the same step in English.
    assert '<a href="/en/" lang="en" hreflang="en">English</a>' in html
    # With the letter form, it posts the form to the English page: what was typed comes along.
    html = client.get("/fr/?postal_code=T6E1Z8&riding=Edmonton+Strathcona").get_data(as_text=True)
    assert (
        '<button type="submit" form="letter-form" formaction="/en/" name="action" '
        'value="switch" lang="en" data-step="postal_code=T6E+1Z8&amp;searched=T6E+1Z8&amp;'
        'riding=Edmonton+Strathcona">English</button>'
    ) in html
    assert "Rien de ce que vous tapez ici n’est conservé\u00a0:" in html


def test_the_first_screen_is_the_postal_code_and_one_button(client):
    html = client.get("/en/").get_data(as_text=True)
    main = html.split('<main id="main" tabindex="-1">')[1]
    buttons = re.findall(r"<button[^>]*>", main)
    assert len(buttons) == 1 and 'value="find"' in buttons[0]
    assert re.search(r'id="postal_code"[^>]*autocomplete="postal-code"', main)
    assert main.index('id="postal_code"') < main.index('<details class="background"')
    assert 'name="name"' not in main  # the rest comes once the MP is found


def test_switching_language_keeps_every_field(client):
    data = {**FIELDS, "note": "Mon texte.", "email": "a@example.ca", "demand": "field-offices"}
    response = client.post("/fr/", data={**data, "csrf_token": token(client), "action": "switch"})
    assert response.status_code == 303  # to the French step's address: Back never re-posts
    assert response.location.startswith("/fr/?postal_code=t6e1z8&riding=Edmonton+Strathcona")
    assert "csrf_token" not in response.location
    response = client.get(response.location)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="fr-CA">' in html
    for value in ("Heather Lim", "10234 82 Avenue NW", "Edmonton", "a@example.ca", "T6E 1Z8"):
        assert f'value="{value}"' in html
    assert "Mon texte.</textarea>" in html


def test_every_demand_is_ticked_and_every_campaign_minister_offered(client, setting):
    first_screen = {"csrf_token": token(client), "postal_code": "T6E 1Z8", "action": "find"}
    first_screen["riding"] = "Edmonton Strathcona"
    html = client.post("/en/", data=first_screen, follow_redirects=True).get_data(as_text=True)
    for demand in setting.campaign.demands:
        assert re.search(
            rf'id="demand-{demand.id}" name="demand" value="{demand.id}" checked', html
        )
    for portfolio in setting.campaign.portfolios():
        assert f'value="minister:{portfolio}"' in html
    assert 'value="mp" form="letter-form" checked' in html and 'value="pm"' in html  # MP first


def test_every_label_points_at_an_input(client):
    html = client.get("/en/").get_data(as_text=True)
    ids = set(re.findall(r' id="([^"]+)"', html))
    targets = re.findall(r'<label for="([^"]+)"', html)
    assert targets and all(target in ids for target in targets)


def test_security_headers_and_no_inline_script_or_style(client):
    response = client.get("/en/")
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)
    assert " style=" not in html and "<style" not in html
    assert client.get("/static/letters.js").status_code == 200


def test_post_without_the_csrf_token_is_refused_with_the_form_kept(client):
    client.get("/en/")
    response = client.post("/en/", data={**FIELDS, "action": "download"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "The form has expired: check your details and send it again." in html
    assert 'value="Heather Lim"' in html


def test_every_bad_field_is_listed_at_the_top_and_linked(client):
    response = post(client, "en", "download", name="", postal_code="ZZZ", email="nope", demand=[])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    problems = dict(summary(html))
    assert problems == {
        "postal_code": "Check the postal code: it has 6 characters, like K1A 0A6.",
        "name": "Enter your name as you sign letters.",
        "email": "Invalid email 'nope': write it as name@example.ca.",
        "demand-export-permits": "Tick at least one demand.",
    }
    ids = set(re.findall(r' id="([^"]+)"', html))
    assert set(problems) <= ids
    assert re.search(r'id="postal_code"[^>]*aria-describedby="postal_code-error"', html)
    assert re.search(r'id="postal_code"[^>]*aria-invalid="true"', html)
    assert 'type="email" id="email"' in html and 'inputmode="email"' in html


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("T2T BB4", "Check the postal code: the 4th character should be a digit."),
        ("T2T 0BB", "Check the postal code: the 6th character should be a digit."),
        ("12T 0B4", "Check the postal code: the 1st character should be a letter."),
        ("D2T 0B4", "Check the postal code: no postal code uses the letters D, F, I, O, Q or U."),
        ("T2T 0B", "Check the postal code: it has 6 characters, like K1A 0A6."),
    ],
)
def test_a_postal_code_slip_gets_one_sentence_about_it(client, typed, sentence):
    problems = dict(summary(post(client, "en", "find", postal_code=typed).get_data(as_text=True)))
    assert problems == {"postal_code": sentence}


@pytest.mark.parametrize("typed", ["t2t ob4", "T2TOB4", "t2t-0b4", "T2T 0B4"])
def test_obvious_postal_code_slips_are_corrected_and_shown(client, typed):
    html = post(client, "en", "find", postal_code=typed, province="").get_data(as_text=True)
    assert 'value="T2T 0B4"' in html and "error-summary" not in html
    assert ("We read your postal code as T2T 0B4." in html) == (typed != "T2T 0B4")
    assert '<option value="AB" selected>' in html  # the province, from the first letter


def test_french_postal_code_sentence_uses_french_ordinals(client):
    problems = dict(
        summary(post(client, "fr", "find", postal_code="T2T BB4").get_data(as_text=True))
    )
    assert problems == {
        "postal_code": "Vérifiez le code postal\u00a0: le 4e caractère devrait être un chiffre."
    }


def test_errors_speak_french_with_french_numbers(client):
    html = post(client, "fr", note="x" * 2345).get_data(as_text=True)
    problems = dict(summary(html))
    assert "Compte 2\u00a0345\u00a0caractères" in problems["note"]
    assert "2\u00a0000\u00a0caractères au plus" in problems["note"]


def test_preview_shows_the_letter_in_the_chosen_language(client):
    html = post(client, "en", letter_lang="fr", note="Mon paragraphe.").get_data(as_text=True)
    preview = html[html.index('id="preview"') :]
    assert '<article class="letter" lang="fr-CA"' in preview
    assert "Monsieur le Premier Ministre," in preview and "Mon paragraphe." in preview
    assert "Objet\u00a0:" in preview
    # The typed signature is text in the script font, as in the PDF; no picture of it.
    assert '<p class="typed-signature">Heather Lim</p>' in preview
    assert 'src="data:image/png;base64,' not in preview


def test_typed_signature_download_sets_the_typed_name_in_dancing_script_as_text(client):
    pdf = pdf_of(post(client, "fr", "download", signature_typed="  Heather   L. "))
    last = PdfReader(io.BytesIO(pdf)).pages[-1]
    fonts = {str(f["/BaseFont"]) for f in last["/Resources"]["/Font"].values()}
    assert any("Dancing-Script" in f for f in fonts), fonts
    assert "Heather L." in last.extract_text()  # real text, as typed, spaces tidied
    assert images(pdf) == 0


def pdf_of(response) -> bytes:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.data


def images(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    found = 0
    for page in reader.pages:
        for obj in (page["/Resources"].get("/XObject") or {}).values():
            found += obj.get_object()["/Subtype"] == "/Image"
    return found


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_download_gives_the_pdf_with_the_chosen_demands_and_paragraph(client, lang):
    pdf = pdf_of(
        post(
            client,
            lang,
            "download",
            to="mp",
            demand=["field-offices"],
            note="My own words.",
            signature_mode="upload",
            signature_file=(io.BytesIO(png()), "sig.png"),
        )
    )
    text = pdf_text(pdf)
    assert ("Dear Ms. McPherson:" if lang == "en" else "Madame la Députée,") in text
    assert "My own words." in text
    assert ("field offices" if lang == "en" else "bureaux") in text
    assert ("Refuse export permits" if lang == "en" else "licences d’exportation") not in text
    assert images(pdf) >= 1


def test_signature_kept_from_the_preview_is_used_by_the_download(client):
    html = post(
        client, signature_mode="upload", signature_file=(io.BytesIO(png()), "sig.png")
    ).get_data(as_text=True)
    kept = re.search(r'name="signature_drawn" value="(data:image/png;base64,[^"]+)"', html)[1]
    pdf = pdf_of(post(client, action="download", signature_mode="upload", signature_drawn=kept))
    assert images(pdf) >= 1


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_printed_as_text_never_markup(client, hostile):
    html = post(client, name=f"Jo {hostile}", note=f"Note {hostile}").get_data(as_text=True)
    preview = re.sub(r"data:image/png;base64,[^\"]+", "", html.split('id="preview"')[1])
    preview = preview.split("</article>")[0]
    assert '<img src="file' not in html and '<link rel="attachment"' not in html
    assert f"Note {escape(hostile)}" in preview and "49" not in preview
    pdf = pdf_of(post(client, action="download", note=f"Note {hostile}"))
    assert f"Note {hostile}" in " ".join(pdf_text(pdf).split())


def test_oversized_fields_get_a_message_not_a_crash(client):
    response = post(
        client, "en", "download", name="N" * 50_000, street1="S" * 300, city="C" * 9_000
    )
    assert response.status_code == 422
    problems = dict(summary(response.get_data(as_text=True)))
    assert "shorten it to at most 120 characters" in problems["name"]
    assert {"name", "street1", "city"} <= set(problems)


@pytest.fixture(scope="session")
def huge_png() -> bytes:
    """A real, valid 20000×20000 black-and-white PNG (400 megapixels in about 60 kB)."""
    width = height = 20_000
    row = b"\x00" + bytes(width // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_20000_by_20000_png_is_refused_with_the_limits(client, huge_png):
    response = post(
        client,
        "fr",
        "download",
        signature_mode="upload",
        signature_file=(io.BytesIO(huge_png), "big.png"),
    )
    assert response.status_code == 422
    problems = dict(summary(response.get_data(as_text=True)))
    assert "L’image dépasse 10\u00a0mégapixels" in problems["signature_file"]
    assert "2\u00a0Mo et 10\u00a0mégapixels" in problems["signature_file"]


NOT_AN_IMAGE = (
    "Not a readable PNG or JPEG image: give a PNG or JPEG image of at most 2 MB and 10 megapixels."
)


@pytest.mark.parametrize(
    ("drawn", "problem"),
    [
        (
            "data:image/png;base64," + base64.b64encode(b"<svg onload=alert(1)>").decode(),
            "SVG is not accepted (it can carry scripts and links): "
            "export it as PNG, or photograph your signature.",
        ),
        ("data:text/html;base64,PHNjcmlwdD4=", NOT_AN_IMAGE),
        ("data:image/png;base64,@@not base64@@", NOT_AN_IMAGE),
        ("file:///etc/passwd", NOT_AN_IMAGE),
    ],
)
def test_a_drawn_signature_that_is_not_an_image_is_refused(client, drawn, problem):
    response = post(client, action="download", signature_mode="draw", signature_drawn=drawn)
    assert response.status_code == 422
    problems = dict(summary(response.get_data(as_text=True)))
    assert problems["signature-pad"] == problem


def test_draw_mode_without_a_drawing_says_what_to_do(client):
    response = post(client, action="download", signature_mode="draw")
    problems = dict(summary(response.get_data(as_text=True)))
    assert "draw or upload your signature, or type your name instead" in problems["signature-pad"]


def test_a_draft_without_a_drawing_signs_with_the_typed_name(client):
    html = post(client, signature_mode="draw", name="").get_data(as_text=True)
    assert '<p class="typed-signature">Your name</p>' in html and "error-summary" not in html


def test_a_request_over_3_mb_gets_the_413_page(client):
    response = post(client, "fr", note="x" * (3 * 1024 * 1024 + 10))
    assert response.status_code == 413
    assert "Le formulaire peut transmettre au plus 3\u00a0Mo" in response.get_data(as_text=True)


def test_my_mp_without_a_known_riding_names_the_riding_field(client):
    problems = dict(
        summary(post(client, "en", "download", to="mp", riding="").get_data(as_text=True))
    )
    assert problems["riding"] == (
        "Choose your riding from the list, or write to the Prime Minister or a minister."
    )
    problems = dict(summary(post(client, riding="Zzyzx").get_data(as_text=True)))
    assert problems["riding"] == "Choose your riding from the list."
    # A typo: the closest districts (English, French or former names) are offered.
    problems = dict(summary(post(client, riding="Edmonton Stratcona").get_data(as_text=True)))
    assert problems["riding"] == "Check the riding: did you mean Edmonton Strathcona?"


def test_a_riding_typo_gets_one_suggestion_to_tap(client):
    html = post(client, "en", "find", to="mp", riding="Edmonton Stratcona").get_data(as_text=True)
    assert dict(summary(html)) == {"riding": "Check the riding: did you mean Edmonton Strathcona?"}
    assert html.count("did you mean") == 2  # in the list and beside the field, nowhere else
    assert (
        '<button type="submit" class="button" name="riding_pick" value="Edmonton Strathcona">'
        in html
    )
    html = post(
        client,
        "en",
        "preview",
        to="mp",
        riding="Edmonton Stratcona",
        riding_pick="Edmonton Strathcona",
    ).get_data(as_text=True)
    assert "Your MP: <strong>Heather McPherson</strong>, Edmonton Strathcona" in html


def test_logs_carry_timings_not_personal_data(client, caplog):
    with caplog.at_level(logging.DEBUG):
        pdf_of(post(client, action="download", name="Zebulon Quixotic", note="secret words"))
    assert "pdf rendered in" in caplog.text
    assert "Zebulon" not in caplog.text and "secret" not in caplog.text and "T6E" not in caplog.text


def test_pdf_downloads_are_rate_limited_per_client_with_a_clear_page():
    app = create_app(pdfs_per_minute=1, burst=1, processes=1)
    try:
        client = app.test_client()
        pdf_of(post(client, "fr", "download"))
        response = post(client, "fr", "download")
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        assert "Trop de lettres à la fois" in response.get_data(as_text=True)
        assert post(client, "fr", "preview").status_code == 200  # previews are not limited
    finally:
        app.extensions["letters"].workers.close()


def test_token_bucket_refills_over_time():
    bucket = TokenBucket(per_minute=6, burst=2)
    assert bucket.take("a", now=0) == 0 and bucket.take("a", now=0) == 0
    assert bucket.take("a", now=0) == pytest.approx(10)
    assert bucket.take("b", now=0) == 0  # another client has its own bucket
    assert bucket.take("a", now=10) == 0


def test_a_render_over_its_time_limit_is_dropped_and_the_next_one_works(setting):
    from letters import make_letter

    from .conftest import sender

    letter = make_letter(setting, sender("en"), "pm", DAY)
    workers = PdfWorkers(processes=1, timeout=30)
    try:
        with pytest.raises(RenderTimeout):
            workers.render(letter, timeout=0.01)
        assert workers.render(letter).startswith(b"%PDF")
    finally:
        workers.close()


def test_ridings_from_the_districts_file_in_the_pages_language():
    path = SHARED / "data" / "ca_federal_electoral_districts-2023.csv"
    if not path.is_file():
        pytest.skip("../shared/data is not beside this checkout")
    app = create_app(ridings_csv=path, processes=1)
    html = app.test_client().get("/fr/").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]+)">', html.split('id="riding-list"')[1])
    assert len(options) == 343
    assert "Côte-du-Sud—Rivière-du-Loup—Kataskomiq—Témiscouata" in options


@pytest.fixture(scope="module")
def represent():
    with serve_represent() as url:
        yield url


def test_the_postal_code_finds_the_mp_and_shows_the_letter(represent):
    """`--lookup-url` asks a Represent server (a stand-in on 127.0.0.1) and keeps nothing on disk."""
    app = create_app(lookup_url=represent, processes=1)
    client = app.test_client()
    asked_before = Represent.hits["T6E1Z8"]
    html = client.get("/en/?postal_code=t6e+1z8&action=find").get_data(as_text=True)
    assert "Your MP: <strong>Heather McPherson</strong>, Edmonton Strathcona" in html
    assert 'id="to-mp" name="to" value="mp" form="letter-form" checked' in html
    assert "Dear Ms. McPherson:" in html  # the letter is in view at once, a draft
    assert "Your street address" in html and 'id="mailto"' not in html
    html = post(client, riding="", to="mp", searched="T6E 1Z8").get_data(as_text=True)
    assert 'id="mailto" href="mailto:Heather.McPherson@parl.gc.ca?subject=' in html
    assert Represent.hits["T6E1Z8"] == asked_before + 1  # asked once, then from memory


@pytest.fixture
def two_ridings_house(tmp_path, monkeypatch):
    """A directory that knows the MPs of both ridings T6E 2A1 touches."""
    from letters.directory import import_house

    mps = tmp_path / "mps.csv"
    mps.write_text(
        "riding,name,gender,email\n"
        "Edmonton Centre,Eleanor Olszewski,f,Eleanor.Olszewski@parl.gc.ca\n",
        encoding="utf-8",
    )
    target = tmp_path / "house.toml"
    # Only these members (and the shipped directory's): an import adds to the shipped House
    # unless told to replace it.
    import_house([mps], target, day=DAY, replace_all=True)
    monkeypatch.setenv("LETTERS_DIRECTORY", str(target))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_postal_code_in_two_ridings_asks_which_naming_each_mp(represent, two_ridings_house, lang):
    app = create_app(lookup_url=represent, processes=1)
    try:
        client = app.test_client()
        html = client.get(f"/{lang}/?postal_code=T6E+2A1&action=find").get_data(as_text=True)
        assert "Dear Ms. McPherson:" not in html and "Madame la Députée," not in html
        question = html.split('id="riding-pick"')[1].split("</fieldset>")[0]
        assert ("covers 2 ridings" if lang == "en" else "touche 2 circonscriptions") in question
        assert "Edmonton Strathcona: Heather McPherson" in question.replace("\u00a0:", ":")
        centre = "Edmonton Centre" if lang == "en" else "Edmonton-Centre"  # official names
        assert centre in question and "Eleanor Olszewski" in question
        assert 'id="letter-form"' not in html  # the question is a step of its own
        # Its answer is an address too (a GET form): Back returns to the question.
        assert re.search(r'<form id="find-form" class="find-form" method="get"', html)
        # Downloading before choosing asks the question again, as an error by the choices.
        response = post(
            client, lang, "download", to="mp", riding="", postal_code="T6E 2A1", searched="T6E 2A1"
        )
        assert response.status_code == 422
        assert [target for target, _ in summary(response.get_data(as_text=True))] == [
            "riding-pick-0"
        ]
        chosen = post(
            client,
            lang,
            "download",
            to="mp",
            riding="",
            postal_code="T6E 2A1",
            searched="T6E 2A1",
            riding_pick="Edmonton Centre",
        )
        assert "Olszewski" in pdf_text(pdf_of(chosen))
    finally:
        app.extensions["letters"].workers.close()


@pytest.mark.parametrize(
    ("postal_code", "sentence"),
    [
        (
            "H0H 0H0",  # Represent: 404
            "Postal code H0H 0H0 was not found. Check it, or find your riding from your "
            "address at Elections Canada, then choose it from the list.",
        ),
        (
            "M5V 2T6",  # Represent: 429
            "Too many people are looking up postal codes right now: try again in a minute, "
            "or choose your riding from the list.",
        ),
        (
            "V6B 1A1",  # a garbled answer
            "The postal code lookup is not answering right now: choose your riding from the "
            "list, or try again later.",
        ),
        (
            "R3C 4T3",  # a server error
            "The postal code lookup is not answering right now: choose your riding from the "
            "list, or try again later.",
        ),
    ],
)
def test_each_failed_lookup_says_why_and_falls_back_to_the_list(represent, postal_code, sentence):
    app = create_app(lookup_url=represent, processes=1)
    try:
        response = app.test_client().get("/en/", query_string={"postal_code": postal_code})
        html = response.get_data(as_text=True)
        assert dict(summary(html)) == {"riding": sentence}
        assert 'id="riding-list"' in html and "Dear Ms. McPherson:" not in html
        beside = html.split('id="riding-error"')[1].split("</p>")[0]
        if postal_code == "H0H 0H0":  # Elections Canada finds a riding from an address
            assert 'href="https://www.elections.ca/Scripts/vis/FindED?L=e&amp;PAGEID=20"' in beside
        else:
            assert "elections.ca" not in html
    finally:
        app.extensions["letters"].workers.close()


def test_a_riding_typed_in_part_offers_every_riding_that_starts_so(client):
    html = post(client, "en", "find", to="mp", riding="Edmonton").get_data(as_text=True)
    assert dict(summary(html)) == {"riding": "Choose your riding: which of these is it?"}
    offered = re.findall(
        r'<button type="submit" class="button" name="riding_pick" value="([^"]+)"', html
    )
    assert len(offered) == 9 and "Edmonton West" in offered and "Edmonton Strathcona" in offered
    html = post(client, "fr", "find", to="mp", riding="edmonton").get_data(as_text=True)
    assert "Edmonton-Ouest" in re.findall(r'name="riding_pick" value="([^"]+)"', html)


def test_the_mailto_link_carries_the_letter_or_points_to_the_pdf(client):
    from urllib.parse import parse_qs, urlsplit

    from letters.web.mailto import SAFE_LENGTH

    html = post(client, to="mp", demand=["field-offices"]).get_data(as_text=True)
    href = re.search(r'id="mailto" href="([^"]+)"', html)[1].replace("&amp;", "&")
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and parts.path == "Heather.McPherson@parl.gc.ca"
    query = parse_qs(parts.query)
    assert query["subject"] == [
        "Ending Canadian contracts and cooperation with United States Immigration "
        "and Customs Enforcement (ICE)"
    ]
    assert len(href) <= SAFE_LENGTH or "Please find attached my letter" in query["body"][0]
    assert query["body"][0].startswith("Dear Ms. McPherson:\r\n\r\n")
    long = post(client, to="mp").get_data(as_text=True)  # every demand: too long for Outlook
    href = re.search(r'id="mailto" href="([^"]+)"', long)[1].replace("&amp;", "&")
    assert len(href) <= SAFE_LENGTH
    assert "Please find attached my letter" in parse_qs(urlsplit(href).query)["body"][0]
    whole = re.search(r'href="([^"]+)" id="mailto-whole"', long)[1].replace("&amp;", "&")
    body = parse_qs(urlsplit(whole).query)["body"][0]
    assert "Close ICE field offices in Canada" in body and "Heather Lim" in body
    assert "Attach the PDF you downloaded" in long


def test_what_next_gives_the_address_to_copy_postage_free(client):
    html = post(client, to="pm").get_data(as_text=True)
    panel = html.split('id="next-step"')[1].split("</section>")[0]
    assert "postage-free" in panel
    block = re.search(r'<pre class="address-block"[^>]*>([^<]+)</pre>', panel)[1]
    assert block.splitlines()[-1] == "Ottawa ON  K1A 0A2"


def test_uploads_are_parsed_into_memory_never_a_temporary_file(app):
    noise = bytes(range(256)) * 6000  # 1.5 MB: Werkzeug would spool it to disk past 500 kB
    with app.test_request_context(
        "/en/",
        method="POST",
        data={"signature_file": (io.BytesIO(noise), "sig.png")},
        content_type="multipart/form-data",
    ):
        from flask import request

        upload = request.files["signature_file"]
        assert isinstance(upload.stream, io.BytesIO) and upload.stream.getvalue() == noise


def test_email_draft_download_attaches_the_pdf_in_the_letters_language(client):
    from email import policy
    from email.parser import BytesParser

    response = post(client, "fr", action="email", to="mp", email="heather.lim@example.ca")
    assert response.status_code == 200 and response.mimetype == "message/rfc822"
    assert response.headers["Content-Disposition"].endswith('.eml"')
    message = BytesParser(policy=policy.default).parsebytes(response.get_data())
    assert message["To"].addresses[0].addr_spec == "Heather.McPherson@parl.gc.ca"
    assert message["From"].addresses[0].addr_spec == "heather.lim@example.ca"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert "Madame la Députée," in pdf_text(attachment.get_content())


def test_email_draft_without_a_known_address_says_to_print_it(client):
    response = post(
        client, "en", action="email", to="minister:foreign-affairs", email="heather.lim@example.ca"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#to-minister-foreign-affairs"' in html
    assert "No email address is known for this recipient" in html and "postage-free" in html


def test_envelope_page_is_added_after_the_letter(client):
    response = post(client, "en", action="download", to="pm", envelope="1")
    reader = PdfReader(io.BytesIO(response.get_data()))
    last = reader.pages[-1]
    assert (round(float(last.mediabox.width)), round(float(last.mediabox.height))) == (684, 297)
    lines = last.extract_text().splitlines()
    assert "OTTAWA ON  K1A 0A2" in lines


def test_a_riding_without_a_known_mp_says_so_and_offers_the_others(represent, two_ridings_house):
    """A directory that knows no member for Ottawa Centre (not a vacancy the House reports)."""
    app = create_app(lookup_url=represent, processes=1)
    try:
        client = app.test_client()
        response = client.get("/en/?postal_code=K1A+0A6")
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Your MP, for Ottawa Centre: the seat is vacant or not known to this page" in html
        assert dict(summary(html)) == {
            "riding": "No member of Parliament is known for Ottawa Centre: the seat may be "
            "vacant. Write to the Prime Minister or a minister instead."
        }
        assert 'value="pm"' in html and 'value="minister:foreign-affairs"' in html
    finally:
        app.extensions["letters"].workers.close()


@pytest.mark.parametrize(
    ("lang", "dated"),
    [
        (
            "en",
            "Members of Parliament as of September 27, 2026; "
            "the Prime Minister and ministers as of November 25, 2026.",
        ),
        ("fr", "27 septembre 2026"),
    ],
)
def test_footer_dates_the_house_and_the_ministers_as_the_cli_does(client, lang, dated):
    from letters.recipients import directory_dates, load_directory

    html = unescape(client.get(f"/{lang}/").get_data(as_text=True))
    footer = html[html.index('<footer class="site-footer">') :]
    assert dated in footer
    assert "2026-11-25" in directory_dates(load_directory())  # what `letters recipients` says
    if lang == "fr":
        assert "25 novembre 2026" in footer


def test_an_uploaded_phone_photo_over_2_mb_says_how_to_make_it_fit(client):
    """The page cannot send anyone to the command line: crop the photo, or draw on the pad."""
    grain = Image.effect_noise((1800, 1400), 60).convert("RGB")
    out = io.BytesIO()
    grain.save(out, format="JPEG", quality=98)
    assert 2 * 1024 * 1024 < len(out.getvalue()) < 3 * 1024 * 1024
    response = post(
        client,
        "en",
        "download",
        signature_mode="upload",
        signature_file=(io.BytesIO(out.getvalue()), "IMG_2041.jpg"),
    )
    assert response.status_code == 422
    problem = dict(summary(response.get_data(as_text=True)))["signature_file"]
    assert "more than 2 MB" in problem
    assert (
        "crop the photo to your signature" in problem
        and "draw your signature on the pad" in problem
    )
    assert "letters signature prepare" not in problem


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        (
            "en",
            "We could not reach the postal-code service just now: "
            "choose your riding from the list.",
        ),
        (
            "fr",
            "Nous n’avons pas pu joindre le service des codes postaux pour l’instant\u00a0: "
            "choisissez votre circonscription dans la liste.",
        ),
    ],
)
def test_an_unreachable_lookup_is_said_on_the_page_and_why_in_the_log(caplog, lang, sentence):
    app = create_app(lookup_url="http://represent.invalid", processes=1)
    try:
        client = app.test_client()
        data = {"csrf_token": token(client, lang), "postal_code": "t6e 1z8", "action": "find"}
        caplog.clear()  # the token's page looked up T6E 1Z8 too: only the find's line counts
        with caplog.at_level(logging.WARNING, logger="letters.web"):
            # Without JavaScript "find" is redirected to the step's address, which looks it up.
            response = client.post(f"/{lang}/", data=data, follow_redirects=True)
            html = response.get_data(as_text=True)
    finally:
        app.extensions["letters"].workers.close()
    assert (
        response.request.path == f"/{lang}/" and response.request.args["postal_code"] == "t6e 1z8"
    )
    assert dict(summary(html))["riding"] == sentence
    assert 'id="riding"' in html  # the list to choose from
    (record,) = [r for r in caplog.records if "postal-code lookup" in r.getMessage()]
    assert record.getMessage() == (
        "postal-code lookup at http://represent.invalid failed: "
        "Represent cannot be reached: its name does not resolve (no network?)"
    )
    assert "T6E" not in record.getMessage()  # nothing personal in the log


def live(client, lang: str = "en", **changes):
    """A live update as the page's script asks for it: the form, and what the page shows."""
    data = {**FIELDS, "letter_lang": lang, "csrf_token": token(client, lang), "action": "preview"}
    data.setdefault("demand", ["export-permits", "field-offices"])
    data.update(changes)
    return client.post(
        f"/{lang}/",
        data=data,
        content_type="multipart/form-data",
        headers={"X-Letters-Live": "1"},
    )


def test_a_live_update_sends_only_the_parts_that_changed(client):
    html = client.get("/en/?postal_code=T6E1Z8&riding=Edmonton+Strathcona").get_data(as_text=True)
    shown = re.search(r'data-digests="([^"]+)"', html)[1]
    first = live(client, to="mp", parts_shown=shown)
    assert first.mimetype == "application/json"
    answer = first.get_json()
    assert set(answer["parts"]) == {"preview", "send"}  # no error list: it was empty and is
    assert "Heather Lim" in answer["parts"]["preview"]["html"]
    assert 'id="mailto"' in answer["parts"]["send"]["html"]
    assert answer["ready"] and answer["errors"] == [] and not answer["title"].startswith("Error")
    digests = ",".join(f"{name}:{part['digest']}" for name, part in answer["parts"].items())
    again = live(
        client, to="mp", parts_shown=digests + ",summary:" + shown.split("summary:")[1][:16]
    )
    assert again.get_json()["parts"] == {}  # nothing changed: nothing sent
    assert len(again.get_data()) < 400


def test_a_live_update_heals_errors_and_names_the_province(client):
    answer = live(client, province="QC", to="mp").get_json()
    assert answer["errors"] == [
        [
            "province",
            "Check the province: postal code T6E 1Z8 is in Alberta, not Quebec. Choose Alberta, "
            "or correct the postal code.",
        ]
    ]
    assert answer["title"].startswith("Error: ") and not answer["ready"]
    assert 'href="#province"' in answer["parts"]["summary"]["html"]
    healed = live(client, province="AB", to="mp").get_json()
    assert (
        healed["errors"] == []
        and healed["ready"]
        and healed["parts"]["summary"]["html"].strip() == ""
    )
    # After a refused download ("checked"), what is missing is named until it is there.
    strict = live(client, name="", checked="1").get_json()
    assert strict["errors"] == [["name", "Enter your name as you sign letters."]]


def test_a_live_update_sends_the_signatures_pixels_once(client):
    drawn = "data:image/png;base64," + base64.b64encode(png()).decode()
    first = live(client, signature_mode="draw", signature_drawn=drawn).get_json()
    preview = first["parts"]["preview"]["html"]
    digest = re.search(r'data-signature="([0-9a-f]+)" src="data:image/png', preview)[1]
    again = live(
        client, signature_mode="draw", signature_drawn=drawn, signature_shown=digest, note="Hi."
    ).get_json()
    preview = again["parts"]["preview"]["html"]
    assert f'data-signature="{digest}" alt=' in preview and "data:image/png" not in preview


def test_a_live_update_is_gzipped_when_the_browser_takes_it(client):
    response = client.post(
        "/fr/",
        data={
            **FIELDS,
            "csrf_token": token(client, "fr"),
            "action": "preview",
            "demand": "field-offices",
            "to": "mp",
            "letter_lang": "fr",
        },
        headers={"X-Letters-Live": "1", "Accept-Encoding": "gzip, deflate"},
    )
    assert response.headers["Content-Encoding"] == "gzip"
    import gzip
    import json

    answer = json.loads(gzip.decompress(response.get_data()))
    assert "Madame la Députée," in answer["parts"]["preview"]["html"]  # UTF-8, not \u escapes
    assert "Accept-Encoding" in response.headers["Vary"]


def test_a_post_without_javascript_becomes_an_address_without_the_token(client):
    response = client.post(
        "/en/",
        data={**FIELDS, "csrf_token": token(client), "action": "preview", "note": "Mine."},
    )
    assert response.status_code == 303
    assert "csrf_token" not in response.location and "note=Mine." in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "Mine.</textarea>" in page and '<p class="note">Mine.</p>' in page
    # A picture cannot ride in an address: that post is answered at once.
    drawn = "data:image/png;base64," + base64.b64encode(png()).decode()
    kept = client.post(
        "/en/",
        data={
            **FIELDS,
            "csrf_token": token(client),
            "action": "preview",
            "signature_mode": "draw",
            "signature_drawn": drawn,
            "demand": "field-offices",
        },
    )
    assert kept.status_code == 200, summary(kept.get_data(as_text=True))
    assert 'class="signature"' in kept.get_data(as_text=True)


def test_the_eml_button_asks_for_the_email_address_before_it_is_pressed(client):
    html = post(client, to="mp").get_data(as_text=True)
    assert 'id="eml"' not in html and 'id="eml-needs-email"' in html
    assert "needs your email address" in html
    html = post(client, to="mp", email="h.lim@example.ca").get_data(as_text=True)
    assert 'id="eml"' in html and 'id="eml-needs-email"' not in html
