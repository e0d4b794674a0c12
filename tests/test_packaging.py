"""The wheel carries templates, catalogs and campaigns, and works installed outside the repo."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from .conftest import ROOT, pdf_text
from .test_campaign_folders import DIRECTORY


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("letters-*.whl")
    return path


def test_wheel_ships_templates_locales_campaigns_and_fonts(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "letters/_shipped/templates/letter.html.j2",
        "letters/_shipped/templates/fonts/CharisSIL-Regular.ttf",
        "letters/_shipped/locales/fr/LC_MESSAGES/messages.mo",
        "letters/_shipped/campaigns/end-ice-contracts/campaign.toml",
        "letters/_shipped/campaigns/end-ice-contracts/locales/fr/LC_MESSAGES/campaign.mo",
        "letters/_shipped/campaigns/pharmacare/directory.toml",
        "letters/data/directory.toml",
        "letters/data/starter/campaign.toml",
    ):
        assert expected in names


def install(wheel: Path, venv: Path) -> Path:
    """A fresh venv with the wheel installed (not the checkout); its site-packages."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Reuse this environment's dependencies (no network needed), but not its editable `letters`:
    # a plain path entry in a .pth file adds site-packages without running its .pth files.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    return Path(site)


def test_wheel_installed_in_a_fresh_venv_writes_a_letter(wheel, tmp_path):
    venv = tmp_path / "venv"
    install(wheel, venv)
    python = venv / "bin" / "python"
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import letters, letters.resources as r; print(r.data_root())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=work,
    ).stdout
    assert "_shipped" in where and str(ROOT) not in where
    result = subprocess.run(
        [
            str(venv / "bin" / "letters"),
            "write",
            "--campaign",
            "end-ice-contracts",
            "--to",
            "pm",
            "--lang",
            "fr",
            "--name",
            "Jeanne Tremblay",
            "--street",
            "123, rue Principale",
            "--city",
            "Gatineau",
            "--province",
            "QC",
            "--postal-code",
            "J8X 1A1",
            "--date",
            "2026-02-01",
        ],
        capture_output=True,
        text=True,
        cwd=work,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    pdf = work / result.stdout.strip()
    assert pdf.is_file() and "Monsieur le Premier Ministre," in pdf_text(pdf.read_bytes())


# The French a translator writes for `letters campaign new`'s starter (msgid -> msgstr).
NB = "\u00a0"
STARTER_FRENCH = {
    "A short title for your campaign": "Un titre court pour votre campagne",
    "The subject line of every letter": "L’objet de chaque lettre",
    "The first sentence of the letter: what you ask the government to do, in one line.": (
        f"La première phrase de la lettre{NB}: ce que vous demandez au gouvernement, en une ligne."
    ),
    "The same first sentence, in other words.": "La même première phrase, en d’autres mots.",
    "I ask you to take the following step:": (
        f"Je vous demande de prendre la mesure suivante{NB}:",
        f"Je vous demande de prendre les mesures suivantes{NB}:",
    ),
    "I would welcome a reply telling me what you will do about this step.": (
        "J’aimerais recevoir une réponse m’indiquant ce que vous comptez faire au sujet de "
        "cette mesure.",
        "J’aimerais recevoir une réponse m’indiquant ce que vous comptez faire au sujet de "
        "chacune de ces mesures.",
    ),
    "A paragraph of facts: what happened, when, where you read it, and why it matters.": (
        f"Un paragraphe de faits{NB}: ce qui s’est passé, quand, où vous l’avez lu, et pourquoi "
        "c’est important."
    ),
    "A paragraph that names an office: {pm} has the power to act on this today.": (
        f"Un paragraphe qui nomme une charge{NB}: {{pm}} a le pouvoir d’agir à ce sujet dès "
        "aujourd’hui."
    ),
    "The same paragraph, said to that office: you have the power to act on this today.": (
        f"Le même paragraphe, adressé à cette charge{NB}: vous avez le pouvoir d’agir à ce sujet "
        "dès aujourd’hui."
    ),
    "I ask you to press the government to take the following step:": (
        f"Je vous demande de presser le gouvernement de prendre la mesure suivante{NB}:",
        f"Je vous demande de presser le gouvernement de prendre les mesures suivantes{NB}:",
    ),
    "The first demand, in a few words": "La première demande, en quelques mots",
    "What the government should do, in one or two sentences. A statute’s title is in italics: "
    "the *Access to Information Act*.": (
        "Ce que le gouvernement devrait faire, en une ou deux phrases. Le titre d’une loi est en "
        f"italique{NB}: la *Loi sur l’accès à l’information*."
    ),
    "The same demand in other words, naming the *Access to Information Act* in italics too.": (
        "La même demande en d’autres mots, qui nomme aussi la *Loi sur l’accès à l’information* "
        "en italique."
    ),
    "What the government should do, in one or two sentences, and that you count on your MP to "
    "press for it under the *Access to Information Act*.": (
        "Ce que le gouvernement devrait faire, en une ou deux phrases, et que vous comptez sur "
        "votre député pour l’exiger en vertu de la *Loi sur l’accès à l’information*."
    ),
    "A demand for your MP alone": "Une demande pour votre député seulement",
    "What you ask of your MP alone: a vote, a question in the House, a motion to support.": (
        f"Ce que vous demandez à votre député seulement{NB}: un vote, une question à la Chambre, "
        "une motion à appuyer."
    ),
}
MINISTER = DIRECTORY.partition("\n\n")[2]  # the [[recipients]] table of a campaign's own


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under a folder with its size and modification time."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.mark.slow
def test_an_organiser_runs_their_own_campaign_from_the_installed_wheel(wheel, tmp_path):
    """From a wheel in a fresh venv: a new campaign, a minister added, translated by hand,
    checked, previewed, and a batch over Action Network and NationBuilder exports; nothing is
    written inside site-packages."""
    site = install(wheel, tmp_path / "venv")
    before = snapshot(site)
    letters = tmp_path / "venv" / "bin" / "letters"
    work = tmp_path / "organiser"
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(letters), *args],
            capture_output=True,
            text=True,
            cwd=work,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    refused = subprocess.run(
        [str(letters), "i18n", "extract"], capture_output=True, text=True, cwd=work
    )  # the interface's catalogs are part of the installed package
    assert refused.returncode == 2 and "part of the installed letters package" in refused.stderr
    run("campaign", "new", "transit")
    folder = work / "transit"
    with (folder / "directory.toml").open("a", encoding="utf-8") as out:
        out.write(MINISTER)  # a minister the shipped directory lacks
    text = (folder / "campaign.toml").read_text(encoding="utf-8")
    text, count = re.subn(r'ministers = \["[a-z-]+"\]', 'ministers = ["health"]', text)
    assert count == 1
    (folder / "campaign.toml").write_text(text, encoding="utf-8")

    run("i18n", "extract", "--campaign", "transit")
    run("i18n", "update", "--campaign", "transit")
    po_path = folder / "locales/fr/LC_MESSAGES/campaign.po"
    with po_path.open("rb") as source:
        po = read_po(source, locale="fr")
    for message in po:
        if message.id:
            message.string = STARTER_FRENCH[
                message.id if isinstance(message.id, str) else message.id[0]
            ]
    with po_path.open("wb") as out:
        write_po(out, po, width=100)
    run("i18n", "compile", "--campaign", "transit")

    checked = run("campaign", "check", "transit", "--strict").stdout
    assert "fr: complete, ready" in checked
    assert "minister:health (Marjorie Michel, Minister of Health): first-demand" in checked
    run("campaign", "preview", "transit", "--date", "2026-02-01", "-o", "preview.pdf")
    preview = pdf_text((work / "preview.pdf").read_bytes())
    assert "Madame la Ministre," in preview and "Loi sur l’accès à l’information" in preview

    exports = ROOT / "tests" / "batch" / "exports"
    for name, rows in (("action-network.csv", 2), ("nationbuilder.csv", 2)):
        out = work / name.removesuffix(".csv")
        run("batch", "--campaign", "transit", "--input", str(exports / name), "--to", "pm",
            "--to", "minister:health", "--date", "2026-02-01", "--out", str(out), "--jobs", "1")  # fmt: skip
        manifest = (out / "manifest.csv").read_text("utf-8-sig").splitlines()
        assert len(manifest) == 1 + 2 * rows  # a header, two letters per supporter
        letter = next((out / "letters").glob("*-minister-health-en.pdf"))
        assert "Dear Minister:" in pdf_text(letter.read_bytes())
    assert snapshot(site) == before  # not a single file written inside site-packages
