"""The JSON API keeps its contract, checked by clients nobody here wrote: the OpenAPI document
validates as the version it declares and describes every JSON route, and schemathesis, with
every check on, finds nothing against the live app (uvicorn over HTTP)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from starlette.routing import Route
from starlette.testclient import TestClient

HERE = Path(__file__).resolve().parent
EXAMPLES = 60  # per operation and phase: bounded, so the run stops by itself in seconds


def test_the_document_validates_as_the_version_it_declares(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    validate(document)  # the validator for the declared version; raises on any problem


def test_every_json_route_is_described_with_examples(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    routes = {route.path for route in client.app.routes
              if isinstance(route, Route) and (route.path.startswith("/api")
                                               or route.path == "/healthz")}
    assert routes - set(document["paths"]) == set()
    for path, item in document["paths"].items():
        for parameter in item["get"]["parameters"]:
            if parameter["in"] == "path":
                assert "example" in parameter, (path, parameter["name"])
        for name in re.findall(r"{(\w+)}", path):
            assert name in {p["name"] for p in item["get"]["parameters"]}, (path, name)


def test_a_wrong_method_is_a_405_that_says_which_are_allowed(client: TestClient) -> None:
    for path in ("/api/search", "/api/pages/treating-lupus/methotrexate", "/search"):
        response = client.post(path)
        assert response.status_code == 405, path
        assert "GET" in response.headers["allow"], path


def test_an_unknown_value_of_an_enumerated_parameter_says_what_is_allowed(
        client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "rash", "exact": "AAA"})
    assert response.status_code == 400
    assert "exact must be 0 or 1" in response.json()["error"]


@pytest.mark.slow  # schemathesis against uvicorn
def test_schemathesis_with_every_check_finds_nothing(live_server: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "schemathesis.cli", "--no-color",
               "--config-file", str(HERE / "schemathesis.toml"),
               "run", f"{live_server}/api/openapi.json", "--checks", "all",
               "--max-examples", str(EXAMPLES), "--seed", "20261201"]
    # In the test's own folder: schemathesis keeps found examples in .hypothesis/ there.
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    output = run.stdout + run.stderr
    # Keep the report short: the failing checks, not every reproduction command.
    summary = "\n".join(line[:200] for line in output.splitlines()
                        if not line.lstrip().startswith("curl"))
    assert run.returncode == 0, summary[-6000:]
    assert re.search(r"\b(\d+) generated, \1 passed", output), summary[-2000:]

