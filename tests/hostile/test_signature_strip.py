"""A signature image's width and height are capped, not only their product: a 1 × 10,000,000
PNG (inside the megapixel cap, 19 KB) is refused before it is decoded, in the CLI and on the page."""

from __future__ import annotations

import io
import resource
import time

import pytest
from click.testing import CliRunner
from PIL import Image

from letters.cli import main
from letters.sending.signature import MAX_SIDE
from letters.web import create_app

from ..test_cli import BASE
from ..test_web import post, summary


@pytest.fixture(scope="module")
def strip() -> bytes:
    out = io.BytesIO()
    Image.new("L", (10_000_000, 1), 255).save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 64 * 1024
    return out.getvalue()


def test_a_one_pixel_high_strip_is_refused_in_the_cli_before_decoding(tmp_path, strip):
    (tmp_path / "strip.png").write_bytes(strip)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = CliRunner().invoke(
        main, [*BASE, "--to", "pm", "--lang", "en", "--signature", str(tmp_path / "strip.png")]
    )
    assert time.perf_counter() - started < 5
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1
    assert "image is 10,000,000 × 1 pixels" in result.output
    assert f"at most {MAX_SIDE:,} pixels a side" in result.output
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


def test_eight_strips_on_the_page_are_each_refused(strip):
    app = create_app("end-ice-contracts", processes=1, pdfs_per_minute=0)
    try:
        client = app.test_client()
        for _ in range(8):
            response = post(
                client,
                "en",
                "download",
                signature_mode="upload",
                signature_file=(io.BytesIO(strip), "strip.png"),
            )
            assert response.status_code == 422
            problems = dict(summary(response.get_data(as_text=True)))
            assert "10,000,000 × 1 pixels" in problems["signature_file"]
    finally:
        app.extensions["letters"].workers.close()
