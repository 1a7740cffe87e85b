"""The lab report's PDF read as a person reads it (with poppler-utils, which scripts/setup
installs): its text (pdftotext) says what the report says, flags included; its first page
(pdftoppm) is an A4 page with ink on it; a long panel flows onto more pages (pdfinfo);
markup-like text is shown as written."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from functions.reports.render import render_report


def report(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "report_id": "r", "booking_id": "b", "booking_item_id": "i", "version": 2, "path": "b/i.v2.pdf",
        "test_title": "Complete blood count", "tube_type": "EDTA (lavender)", "pet_name": "Biscuit", "species": "dog",
        "breed": "Beagle", "owner_name": "Pia", "collected_at": "2026-12-04T09:00:00+00:00",
        "received_at": "2026-12-04T12:00:00+00:00", "reported_by": "Ana", "released_by": "Happy Paws Lab",
        "released_at": "2026-12-04T16:00:00+00:00", "comments": "Very high white count: call the vet today.",
        "results": [
            {"analyte": "White blood cells", "code": "wbc", "unit": "10^9/L", "decimals": 1, "value": 55.2,
             "flag": "critical", "low": 6, "high": 17},
            {"analyte": "Haematocrit", "code": "hct", "unit": "%", "decimals": 1, "value": 36, "flag": "low", "low": 37,
             "high": 55},
            {"analyte": "Creatinine", "code": "creatinine", "unit": "µmol/L", "decimals": 0, "value": 98,
             "flag": "normal", "low": 44, "high": 159},
        ],
        "lab": {"name": "Happy Paws Lab", "address_line1": "1 Lab Lane", "city": "London", "phone": "+44 20 7946 0018"},
        "timezone": "Europe/London",
    }  # fmt: skip
    return {**base, **overrides}


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_the_pdf_says_what_the_report_says(tmp_path: Path) -> None:
    text = text_of(render_report(report()), tmp_path)
    for expected in (
        "Happy Paws Lab", "Complete blood count (report version 2)", "Biscuit (dog, Beagle)", "Pia",
        "White blood cells", "55.2", "6.0 – 17.0", "CRITICAL", "Low", "36.0", "µmol/L", "98",
        "Very high white count: call the vet today.", "released by Happy Paws Lab",
    ):  # fmt: skip
        assert expected in text, expected
    assert "04 Dec 2026 09:00" in text, "times in the owner's time zone"


def test_the_first_page_is_an_a4_page_with_ink(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_report(report()))
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    data = png.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert abs(height / width - 297 / 210) < 0.02, (width, height)
    assert len(data) > 3000, "not a blank page"


def test_a_long_panel_flows_onto_more_pages_and_markup_is_shown_as_written(tmp_path: Path) -> None:
    many = [
        {"analyte": f"Analyte {n}", "code": f"a{n}", "unit": "U/L", "decimals": 0, "value": n, "flag": "normal",
         "low": 0, "high": 100}
        for n in range(60)
    ]  # fmt: skip
    pdf = render_report(report(results=many, comments="Values <b>not</b> bold & fine"))
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2, info
    assert "Values <b>not</b> bold & fine" in text_of(pdf, tmp_path)
