"""`scimcert recording import|scrub|show`: files in, files out, one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.capture.recording import read_recording
from harness.cli.main import main

SECRET = "Bearer tok-abcdefghijklmnop"
PERSON_MAIL = "quintessa.farthingale@corp.example.com"


def _har(tmp_path: Path) -> Path:
    body = json.dumps({"userName": PERSON_MAIL, "name": {"givenName": "Quintessa"}})
    answer = json.dumps({"id": "u1", "userName": PERSON_MAIL})
    entries = [
        {
            "startedDateTime": f"2024-05-01T10:00:0{n}Z",
            "time": 4,
            "request": {
                "method": method,
                "url": url,
                "headers": [{"name": "Authorization", "value": SECRET}],
                **({"postData": {"mimeType": "application/scim+json", "text": body}} if n else {}),
            },
            "response": {
                "status": status,
                "headers": [],
                "content": {"size": len(answer), "mimeType": "x", "text": answer},
            },
            "timings": {"send": 1, "wait": 2, "receive": 1},
        }
        for n, (method, url, status) in enumerate(
            [
                ("GET", "http://h/index.html", 200),
                ("POST", "http://h/scim/v2/Users", 201),
            ]
        )
    ]
    path = tmp_path / "browser.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), "utf-8")
    return path


def test_import_writes_a_recording_and_says_what_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.jsonl"
    assert main(["recording", "import", str(_har(tmp_path)), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{out}: 1 exchange(s)" in printed
    assert "left out 1 request(s) to no SCIM endpoint" in printed
    text = out.read_text("utf-8")
    assert "tok-abcdefghijklmnop" not in text and PERSON_MAIL in text
    assert (
        main(["recording", "import", str(_har(tmp_path)), "--out", str(out), "--all", "--force"])
        == 0
    )
    assert len(read_recording(out).takes) == 2


def test_import_with_scrub_and_scrub_alone_leave_no_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    har, plain, scrubbed = _har(tmp_path), tmp_path / "plain.jsonl", tmp_path / "s.jsonl"
    assert (
        main(["recording", "import", str(har), "--out", str(tmp_path / "i.jsonl"), "--scrub"]) == 0
    )
    assert main(["recording", "import", str(har), "--out", str(plain)]) == 0
    assert main(["recording", "scrub", str(plain), "--out", str(scrubbed)]) == 0
    for path in (tmp_path / "i.jsonl", scrubbed):
        text = path.read_text("utf-8")
        assert PERSON_MAIL not in text and "Quintessa" not in text
        assert read_recording(path).header.scrubbed == {"name": 1, "email": 1}
    assert "scrubbed 1 name, 1 email" in capsys.readouterr().out


def test_show_lists_the_header_then_one_line_per_exchange(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.jsonl"
    assert main(["recording", "import", str(_har(tmp_path)), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["recording", "show", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("source: har  origin: browser.har  idp: -")
    assert lines[-1] == "log.entries[1]  POST /scim/v2/Users  201"
    assert main(["recording", "show", str(tmp_path / "browser.har")]) == 0  # a HAR, as imported
    assert capsys.readouterr().out.splitlines()[-1] == lines[-1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["recording", "import", "{missing}", "--out", "{out}"], "no such file"),
        (["recording", "import", "{bad}", "--out", "{out}"], "bad.har: not JSON"),
        (["recording", "import", "{har}", "--out", "{existing}"], "exists; use --force"),
        (["recording", "scrub", "{bad}", "--out", "{out}"], "bad.har:1: not a JSON line"),
        (["recording", "show", "{bad}"], "bad.har: not JSON"),
        (["recording", "show", "{existing}"], "existing.jsonl:1: not a JSON line"),
    ],
    ids=["missing", "not-json", "no-overwrite", "scrub-bad", "show-bad-har", "show-not-jsonl"],
)
def test_every_problem_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (tmp_path / "bad.har").write_text("{not json", "utf-8")
    (tmp_path / "existing.jsonl").write_text("keep me", "utf-8")
    places = {
        "missing": str(tmp_path / "absent.har"),
        "bad": str(tmp_path / "bad.har"),
        "har": str(_har(tmp_path)),
        "out": str(tmp_path / "out.jsonl"),
        "existing": str(tmp_path / "existing.jsonl"),
    }
    assert main([arg.format(**places) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err
    assert err.startswith("scimcert recording ")
    assert (tmp_path / "existing.jsonl").read_text("utf-8") == "keep me"
    assert not (tmp_path / "out.jsonl").exists()
