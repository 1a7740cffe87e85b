"""A lab report as a PDF (reportlab's platypus): the clinic's header, the pet and the test, the
values with their units, reference ranges and flags (out-of-range ones in bold, critical ones in
red), the analyst's comments, who reported and released it. One A4 page for a usual panel; a
long one flows onto more pages. Input: one row of service.reports_to_render."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

FLAG_WORDS = {"low": "Low", "high": "High", "critical": "CRITICAL", "normal": ""}


def render_report(report: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=8, leading=10, textColor=colors.grey)
    lab = report.get("lab") or {}
    zone = ZoneInfo(report.get("timezone") or "UTC")
    buffer = BytesIO()
    title = f"{report['test_title']}: {report.get('pet_name') or 'pet'}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=lab.get("name") or "marketbase",
        subject=f"Lab report {report['booking_item_id']} v{report['version']}",
    )

    story: list[Any] = [
        Paragraph(lab.get("name") or "Laboratory report", styles["Title"]),
        Paragraph(
            " · ".join(
                str(p) for p in (lab.get("address_line1"), lab.get("city"), lab.get("phone"), lab.get("email")) if p
            ),
            small,
        ),
        Spacer(1, 6 * mm),
        Paragraph(f"<b>{escape(report['test_title'])}</b> (report version {report['version']})", styles["Heading2"]),
    ]
    facts = [
        ["Pet", _pet(report)],
        ["Owner", report.get("owner_name") or ""],
        ["Sample", f"{report.get('tube_type') or ''}, collected {_when(report.get('collected_at'), zone)}"],
        ["Received", _when(report.get("received_at"), zone)],
        ["Released", f"{_when(report.get('released_at'), zone)} by {report.get('released_by') or 'the lab'}"],
    ]
    story.append(_table(facts, [35 * mm, 139 * mm]))
    story.append(Spacer(1, 6 * mm))

    rows: list[list[Any]] = [["Analyte", "Result", "Unit", "Reference", "Flag"]]
    highlights: list[tuple[int, str]] = []
    for index, result in enumerate(report.get("results") or [], start=1):
        decimals = int(result.get("decimals") or 0)
        reference = (
            f"{_number(result.get('low'), decimals)} – {_number(result.get('high'), decimals)}"
            if result.get("low") is not None
            else "—"
        )
        rows.append(
            [
                result["analyte"],
                _number(result["value"], decimals),
                result.get("unit") or "",
                reference,
                FLAG_WORDS.get(result.get("flag") or "normal", ""),
            ]
        )
        if result.get("flag") in ("low", "high", "critical"):
            highlights.append((index, result["flag"]))
    table = Table(rows, colWidths=[52 * mm, 28 * mm, 26 * mm, 40 * mm, 28 * mm], repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ("ALIGN", (1, 1), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for row, flag in highlights:
        style.append(("FONTNAME", (0, row), (-1, row), "Helvetica-Bold"))
        if flag == "critical":
            style.append(("TEXTCOLOR", (0, row), (-1, row), colors.red))
            style.append(("BACKGROUND", (0, row), (-1, row), colors.Color(1, 0.92, 0.92)))
    table.setStyle(TableStyle(style))
    story += [table, Spacer(1, 6 * mm)]

    if report.get("comments"):
        story += [Paragraph("Comments", styles["Heading3"]), Paragraph(escape(report["comments"]), styles["Normal"])]
    story += [
        Spacer(1, 8 * mm),
        Paragraph(
            f"Reported by {escape(report.get('reported_by') or 'the lab')}; checked and released by "
            f"{escape(report.get('released_by') or 'the lab')}. Reference ranges are for the pet's species.",
            small,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def escape(text: str) -> str:
    """Text for a Paragraph (a small markup language): its markup characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pet(report: dict[str, Any]) -> str:
    kind = ", ".join(str(p) for p in (report.get("species"), report.get("breed")) if p)
    return f"{report.get('pet_name') or ''} ({kind})" if kind else str(report.get("pet_name") or "")


def _when(value: Any, zone: ZoneInfo) -> str:
    if not value:
        return "—"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(zone).strftime("%d %b %Y %H:%M")


def _number(value: Any, decimals: int) -> str:
    return f"{Decimal(str(value)):.{decimals}f}"


def _table(rows: list[list[Any]], widths: list[float]) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
                ("TEXTCOLOR", (0, 0), (0, -1), colors.dimgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table
