"""The login page sends the editor back where they were going, and never off this server: its
``destination()`` is run under Node against addresses built to leave, as a browser resolves them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from urllib.parse import urlsplit

import pytest

ORIGIN = "https://alerts.example"

# "next" values that would take the browser to another origin: scheme-relative, backslashed, with the
# tab or newline a browser strips from an address, other schemes.
LEAVING = [
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "https://evil.example/alerts",
    "http://alerts.example/alerts",  # this server's name, but not its scheme: another origin
    "javascript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
]
# Odd addresses that a browser resolves on this server (percent-encoded, dot segments, this scheme
# without a host): whatever page they name, the editor stays here.
ODD_PATHS = [
    "/%09/evil.example",
    "/%5Cevil.example",
    "/.//evil.example",
    "/..//evil.example",
    "/alerts/..//evil.example",
    "https:evil.example",
]


def _destination_function() -> str:
    page = resources.files("pipeline").joinpath("data/login.html").read_text(encoding="utf-8")
    found = re.search(r"^  function destination\(\) \{\n.*?^  \}$", page, re.DOTALL | re.MULTILINE)
    assert found, "login.html has no destination() function"
    return found.group(0)


def _where_the_page_goes(next_values: list[str]) -> list[str]:
    """For each value of ?next=, the address (absolute, resolved) a browser goes to from the login page."""
    node = shutil.which("node")
    assert node is not None, "Node.js runs the page's script here: scripts/bootstrap installs it"
    script = (
        _destination_function()
        + f"""
const origin = {json.dumps(ORIGIN)};
const wherever = [];
for (const next of {json.dumps(next_values)}) {{
  globalThis.window = {{ location: new URL("/login?" + new URLSearchParams({{ next }}), origin) }};
  globalThis.location = window.location;
  // location.replace() resolves what it is given against the page's own address, as here.
  wherever.push(new URL(destination(), window.location.href).href);
}}
console.log(JSON.stringify(wherever));
"""
    )
    ran = subprocess.run([node, "-e", script], capture_output=True, text=True, check=False, timeout=60)
    assert ran.returncode == 0, ran.stderr
    went: list[str] = json.loads(ran.stdout)
    return went


def _origin(address: str) -> str:
    scheme, host = urlsplit(address)[:2]
    return f"{scheme}://{host}"


@pytest.mark.parametrize("leaving", LEAVING)
def test_an_address_on_another_origin_sends_the_editor_to_the_alerts_page_instead(leaving: str) -> None:
    assert _where_the_page_goes([leaving]) == [f"{ORIGIN}/alerts"]


@pytest.mark.parametrize("odd", ODD_PATHS)
def test_an_odd_path_keeps_the_editor_on_this_server(odd: str) -> None:
    [went] = _where_the_page_goes([odd])
    assert _origin(went) == ORIGIN, went


@pytest.mark.parametrize(
    "next_value",
    ["/alerts?kind=war_crimes&speaker=Guterres", "/alerts?article=cms-42", "/docs", "/alerts?x=1"],
)
def test_a_page_of_this_server_is_where_the_editor_goes_back_to(next_value: str) -> None:
    assert _where_the_page_goes([next_value]) == [ORIGIN + next_value]


def test_without_a_next_the_editor_goes_to_the_alerts_page() -> None:
    assert _where_the_page_goes([""]) == [f"{ORIGIN}/alerts"]
