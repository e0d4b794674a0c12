"""The README's examples, run in order on a copy of the repository, as a new user would.

Every command of every ```sh and ```console block runs as written, in a copy holding only the
files git tracks (a fresh clone), with its own empty $HOME (the walkthrough's ~/letters/).
A ```console block's `$` lines are commands and the lines under them their output, which must
appear (`…` stands for lines left out). What cannot run here is substituted, and says why:
SUBSTITUTED for whole commands, NETWORK for Represent, which the test serves from 127.0.0.1.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

README = ROOT / "README.md"
PASSPHRASE = b"correct horse battery staple 42"
TIMEOUT = 600

# Commands that cannot run inside this test, and what stands in for them.
SUBSTITUTED = {
    "make test": "it runs this very suite (and a first run installs from PyPI)",
    "git clone <this repository> letters && cd letters": "the copy is the fresh clone",
    ". .venv/bin/activate": "PATH starts with .venv/bin instead",
}
# Commands that ask Open North's Represent over the internet: pointed at the stand-in instead.
NETWORK = ("--lookup represent", "letters directory riding")
# Commands that run until stopped: started, checked to be serving, then stopped (Ctrl+C).
SERVES = ("make serve", "letters serve")


@dataclass(frozen=True)
class Example:
    line: int  # where the command starts in README.md
    command: str
    shown: tuple[str, ...]  # the output the README shows under it (console blocks)


def examples(text: str) -> list[Example]:
    """Every command of the README's sh and console blocks, in order."""
    found: list[Example] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        fence = re.match(r"```(sh|console)\s*$", lines[index])
        index += 1
        if not fence:
            continue
        console = fence[1] == "console"
        while not lines[index].startswith("```"):
            start, line = index, lines[index]
            index += 1
            if console and not line.startswith("$ "):
                continue
            if not console and (not line.strip() or line.lstrip().startswith("#")):
                continue
            command = line[2:] if console else line
            while command.endswith("\\"):
                command = command[:-1] + " " + lines[index].strip()
                index += 1
            shown = []
            while console and not lines[index].startswith(("```", "$ ")):
                shown.append(lines[index])
                index += 1
            found.append(Example(start + 1, command.strip(), tuple(shown)))
        index += 1
    return found


def test_the_parser_reads_commands_continuations_and_output():
    text = "```console\n$ letters a \\\n    --b c\nout 1\n…\n$ letters d\n```\n"
    text += "```sh\n# a comment\nmake demo   # why\nx \\\n  y\n```\n```\nnot run\n```\n"
    assert examples(text) == [
        Example(2, "letters a  --b c", ("out 1", "…")),
        Example(6, "letters d", ()),
        Example(10, "make demo   # why", ()),
        Example(11, "x  y", ()),
    ]


def fresh_clone(target: Path) -> Path:
    """The files git tracks (the working copy of each, uncommitted edits included)."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in tracked)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    # `make demo` would build .venv from the lock (PyPI); this one's is the same lock, installed.
    (target / ".venv").symlink_to(Path(sys.prefix))
    for stamped in ("pyproject.toml", "requirements/runtime.txt", "requirements/dev.txt"):
        os.utime(target / stamped, (0, 0))  # older than .venv's stamps: make installs nothing
    return target


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port}")


def in_a_terminal(command: str, cwd: Path, env: dict) -> tuple[int, str]:
    """Run in a pseudo-terminal, typing the passphrase at each prompt (as a person would)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        ["bash", "-c", command],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    output, answered = b"", 0
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 1)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            output += chunk
        prompts = len(re.findall(rb"(?i)passphrase: ", output))
        if prompts > answered:
            os.write(controller, PASSPHRASE + b"\n")
            answered += 1
        if not ready and process.poll() is not None:
            break
    os.close(controller)
    return process.wait(timeout=30), output.decode(errors="replace").replace("\r\n", "\n")


def serving(command: str, cwd: Path, env: dict) -> tuple[int, str]:
    """Start a server command, wait until it says it serves, then stop it as Ctrl+C would."""
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    output = ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "Serving" not in output:
        line = process.stdout.readline()
        if not line:
            break
        output += line
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    return (0 if "Serving" in output else 1), output


@pytest.mark.slow
def test_every_readme_example_runs_in_order_on_a_fresh_clone(tmp_path):
    from .directory.test_lookup import serve_represent

    clone = fresh_clone(tmp_path / "letters")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LETTERS_", "AWS_", "PYTEST_", "VIRTUAL_ENV"))
    }
    # `. .venv/bin/activate`, and the clone's own code, not this checkout's (an editable install).
    env.update(HOME=str(home), PYTHONPATH=str(clone))
    env["PATH"] = f"{clone / '.venv' / 'bin'}:{env['PATH']}"
    background: list[subprocess.Popen] = []
    ran, substituted, missing = [], [], []
    try:
        with serve_represent() as represent:
            for example in examples(README.read_text(encoding="utf-8")):
                command = example.command
                if command.split("#")[0].strip() in SUBSTITUTED:
                    substituted.append(command)
                    continue
                if any(part in command for part in NETWORK):
                    command = re.sub(r"\s+#.*$", "", command) + f" --lookup-url {represent}"
                if command.startswith("export "):
                    for name, value in re.findall(r"(\w+)=(\S+)", command):
                        env[name] = value
                    continue
                if command.rstrip().endswith("&"):  # a scheduler, a worker, a test S3 server
                    background.append(
                        subprocess.Popen(
                            ["bash", "-c", command.rstrip().rstrip("&")],
                            cwd=clone,
                            env=env,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            start_new_session=True,
                        )
                    )
                    port = re.search(r"(?:--port|-p) (\d+)|-l [\d.]+:(\d+)", command)
                    if port:
                        wait_for_port(int(port[1] or port[2]))
                    continue
                if any(part in command for part in SERVES):
                    status, output = serving(command, clone, env)
                elif re.search(r"identity create|--sign-with", command):
                    status, output = in_a_terminal(command, clone, env)
                else:
                    done = subprocess.run(
                        ["bash", "-c", command],
                        cwd=clone,
                        env=env,
                        capture_output=True,
                        text=True,
                        timeout=TIMEOUT,
                    )
                    status, output = done.returncode, done.stdout + done.stderr
                expected_error = any(line.startswith("Error:") for line in example.shown)
                where = f"README.md:{example.line}: {example.command}\n{output[-3000:]}"
                assert status == (2 if expected_error else 0), where
                # An output line the README shows but the command did not print: listed, all
                # of them at the end (the next examples do not depend on what is printed).
                printed = output.splitlines()
                missing += [
                    f"README.md:{example.line}: {example.command}\n  missing: {line}"
                    for line in example.shown
                    if line.strip() and line.strip() != "…" and line not in printed
                ]
                ran.append(command)
    finally:
        for process in background:
            os.killpg(process.pid, signal.SIGTERM)
        for process in background:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    assert not missing, "\n".join(missing)
    assert {c.split("#")[0].strip() for c in substituted} == set(SUBSTITUTED)
    assert (home / "letters" / "letter.pdf").is_file() and (
        home / "letters" / "letter.eml"
    ).is_file()
    assert len(ran) > 40
