"""Hostile and broken files are refused with a warning code, never read and never a crash.

Each file is built here from the real material: the 洪泽区 PDF truncated, encrypted or given a
decompression bomb; the real template DOCX with a zip bomb or an entity bomb inside; an HTML
error page served under a ``.pdf`` name.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
import zlib

import pikepdf
import pytest

from nianbao.parsers.attachments import AttachmentRefused, Limits, parse_attachment
from nianbao.parsers.attachments.convert import convert

MB = 1024 * 1024


def refusal(data: bytes, filename: str, **limits: object) -> AttachmentRefused:
    with pytest.raises(AttachmentRefused) as caught:
        parse_attachment(data, filename=filename, limits=Limits(**limits))  # type: ignore[arg-type]
    return caught.value


def test_size_cap(hongze_pdf: bytes) -> None:
    error = refusal(hongze_pdf, "a.pdf", max_bytes=100_000)
    assert error.code == "attachment_too_large"
    assert f"{len(hongze_pdf)} bytes" in error.detail


def test_page_cap(hongze_pdf: bytes) -> None:
    assert refusal(hongze_pdf, "a.pdf", max_pages=4).code == "attachment_too_many_pages"


def test_empty_file() -> None:
    assert refusal(b"", "a.pdf").code == "attachment_empty"


@pytest.mark.parametrize("keep", [0.25, 0.6, 0.95])
def test_truncated_pdf(hongze_pdf: bytes, keep: float) -> None:
    """A download cut short: refused as corrupt, or read as qpdf rebuilt it and flagged
    ``attachment_damaged``; never a value the file does not hold."""
    data = hongze_pdf[: int(len(hongze_pdf) * keep)]
    try:
        report = parse_attachment(data, filename="a.pdf", limits=Limits(ocr_max_pages=0))
    except AttachmentRefused as error:
        assert error.code == "attachment_corrupt"
        return
    assert "attachment_damaged" in [w.code for w in report.warnings]
    t4 = report.tables.get("t4")
    if t4 is not None:  # whatever survived reads as printed
        assert t4.value("review", "upheld") == 10


def test_garbage_named_pdf() -> None:
    data = b"%PDF-1.7\n" + bytes(range(256)) * 40
    assert refusal(data, "a.pdf").code == "attachment_corrupt"


def test_password_encrypted_pdf(hongze_pdf: bytes, tmp_path) -> None:
    with pikepdf.open(io.BytesIO(hongze_pdf)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner", R=6))
    error = refusal(out.getvalue(), "a.pdf")
    assert error.code == "attachment_encrypted"


def test_owner_only_encryption_is_read(hongze_pdf: bytes) -> None:
    """Copy-protected PDFs (empty user password) are common on portals and readable."""
    with pikepdf.open(io.BytesIO(hongze_pdf)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="", owner="owner", R=4))
    report = parse_attachment(out.getvalue(), filename="a.pdf")
    assert report.tables["t4"].value("litigation_after_review", "upheld") == 5


def test_pdf_decompression_bomb(hongze_pdf: bytes) -> None:
    """A Flate stream of 64 MB of zeros (64 kB compressed) hidden in the real PDF."""
    with pikepdf.open(io.BytesIO(hongze_pdf)) as pdf:
        bomb = pikepdf.Stream(pdf, b"\0" * (64 * MB))  # pikepdf compresses it on save
        pdf.Root["/Bomb"] = pdf.make_indirect(bomb)
        out = io.BytesIO()
        pdf.save(out, compress_streams=True)
    data = out.getvalue()
    assert len(data) < len(hongze_pdf) + 1 * MB
    error = refusal(data, "a.pdf", max_decompressed=32 * MB)
    assert error.code == "attachment_decompression_bomb"


def _with_member(docx: bytes, name: str, payload_writer) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item))
        with target.open(name, "w") as stream:
            payload_writer(stream)
    return out.getvalue()


def test_docx_zip_bomb(template_docx: bytes) -> None:
    """A real zip bomb made small: 200 MB of zeros deflated to ~200 kB inside the template."""

    def zeros(stream) -> None:
        chunk = b"\0" * MB
        for _ in range(200):
            stream.write(chunk)

    data = _with_member(template_docx, "word/media/image1.bin", zeros)
    assert len(data) < 2 * MB
    error = refusal(data, "a.docx")
    assert error.code == "attachment_decompression_bomb"
    assert "image1.bin" in error.detail


def test_docx_over_decompressed_cap(template_docx: bytes) -> None:
    error = refusal(template_docx, "a.docx", max_decompressed=10_000)
    assert error.code == "attachment_decompression_bomb"


def test_docx_xml_entity_bomb(template_docx: bytes) -> None:
    """The "billion laughs": nine levels of entities, each ten of the one below."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [' + "".join(entities) + "]>"
        '<w:document xmlns:w="x">&lol9;</w:document>'
    ).encode()
    data = _with_member(template_docx, "word/document.xml", lambda s: s.write(laughs))
    assert refusal(data, "a.docx").code == "attachment_decompression_bomb"


@pytest.mark.parametrize(
    ("codec", "padding"), [("utf-8", 10_000), ("utf-16-le", 0), ("utf-16-be", 2_000_000)]
)
def test_entity_declaration_anywhere_in_the_part(
    template_docx: bytes, codec: str, padding: int
) -> None:
    """Behind a long comment (past any first-kilobytes peek, across a chunk boundary) or in
    UTF-16: still found, refused as a bomb rather than failing later as corrupt."""
    entity = '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    xml = (
        f'<?xml version="1.0" encoding="{codec.upper()[:6]}"?><!-- {"x" * padding} -->'
        f'<!DOCTYPE d [{entity}]><w:document xmlns:w="x">&b;</w:document>'
    )
    payload = ("\ufeff" if codec.startswith("utf-16") else "") + xml
    data = _with_member(
        template_docx, "word/document.xml", lambda s: s.write(payload.encode(codec))
    )
    assert refusal(data, "a.docx").code == "attachment_decompression_bomb"


def test_truncated_docx(template_docx: bytes) -> None:
    assert refusal(template_docx[: len(template_docx) // 2], "a.docx").code == "attachment_corrupt"


def test_xlsx_zip_bomb(hongze_xlsx: bytes) -> None:
    def zeros(stream) -> None:
        for _ in range(100):
            stream.write(b"\0" * MB)

    data = _with_member(hongze_xlsx, "xl/worksheets/sheet9.xml", zeros)
    assert refusal(data, "a.xlsx").code == "attachment_decompression_bomb"


def test_html_error_page_named_pdf() -> None:
    """Portals answer a vanished file with their error or login page, still named .pdf."""
    page = (
        "<!DOCTYPE html><html><head><title>404 页面不存在</title></head>"
        "<body><h1>您访问的页面不存在</h1></body></html>"
    ).encode()
    error = refusal(page, "P020240117000000000001.pdf")
    assert error.code == "attachment_type_mismatch"
    assert "claims to be pdf" in error.detail and "is html" in error.detail
    with pytest.raises(AttachmentRefused):
        parse_attachment(page, filename="report", content_type="application/pdf")


def test_docx_served_as_pdf_is_read_as_docx_with_a_warning(filled_docx: bytes) -> None:
    report = parse_attachment(filled_docx, filename="年报.pdf", content_type="application/pdf")
    assert report.tables["t4"].value("review", "upheld") == 10
    assert [w.code for w in report.warnings if w.code == "attachment_type_mismatch"] == [
        "attachment_type_mismatch"
    ]


def test_legacy_doc_without_libreoffice() -> None:
    """Word 97 needs LibreOffice: without it the file is refused and says what to install."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le")
    error = refusal(ole, "年报.wps", soffice="/nonexistent/soffice")
    assert error.code == "attachment_unsupported"
    assert "install LibreOffice" in error.detail


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_bomb() -> None:
    """A PNG of 10,000 x 9,000 one-bit pixels: ~100 kB on disk, 90 megapixels for OCR."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (10_000, 9_000), 1).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    error = refusal(out.getvalue(), "scan.png")
    assert error.code == "attachment_decompression_bomb"
    assert "10000x9000" in error.detail


def _with_dimension(xlsx: bytes, ref: str) -> bytes:
    """The workbook with its first sheet's declared ``<dimension>`` replaced."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            target.writestr(info, data)
    return out.getvalue()


def _codes(report) -> set[str]:
    return {warning.code for warning in report.warnings}


def test_xlsx_declaring_a_huge_sheet_is_skipped_before_reading(hongze_xlsx: bytes) -> None:
    report = parse_attachment(_with_dimension(hongze_xlsx, "A1:XFD1048576"), filename="a.xlsx")
    assert "sheet_too_large" in _codes(report)


def test_xlsx_understating_its_size_is_still_read_whole(hongze_xlsx: bytes) -> None:
    """A wrong (too small) <dimension> must not cut the table short."""
    honest = parse_attachment(hongze_xlsx, filename="a.xlsx")
    lying = parse_attachment(_with_dimension(hongze_xlsx, "A1:B2"), filename="a.xlsx")
    assert lying.tables.keys() == honest.tables.keys()
    assert lying.to_dict()["tables"] == honest.to_dict()["tables"]


def test_xlsx_with_more_cells_than_the_cap_streams_in_bounded_memory() -> None:
    """210,000 cells (the cap is 200,000): streamed, stopped at the cap, never loaded whole."""
    import tracemalloc

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("big")
    for number in range(21_000):
        sheet.append([number] * 10)
    buffer = io.BytesIO()
    book.save(buffer)
    tracemalloc.start()
    report = parse_attachment(buffer.getvalue(), filename="big.xlsx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "sheet_too_large" in _codes(report)
    assert peak < 150 * MB, f"peak {peak / MB:.0f} MB"


def test_converter_timeout_kills_the_whole_process_group(tmp_path) -> None:
    """A hung conversion is refused, and no process it started is left running (a stand-in
    wrapper that, like soffice, starts a child and waits on it)."""
    import os
    import time

    child_pid = tmp_path / "child.pid"
    wrapper = tmp_path / "soffice"
    wrapper.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {child_pid}\nwait\n")
    wrapper.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(AttachmentRefused) as caught:
        convert(b"any", ".doc", "docx", Limits(soffice=str(wrapper), convert_timeout=1.0))
    error = caught.value
    assert error.code == "attachment_convert_timeout"
    assert time.monotonic() - started < 30
    pid = int(child_pid.read_text())
    for _ in range(50):  # the kill is delivered at once; reaping by init may take a moment
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the converter's child {pid} is still running")


def _zeros_bomb(size: int) -> bytes:
    inflater = zlib.compressobj(9)
    chunk = b"\0" * MB
    return b"".join(inflater.compress(chunk) for _ in range(size // MB)) + inflater.flush()


CHAINS = {
    "flate_flate": (["/FlateDecode", "/FlateDecode"], lambda z: zlib.compress(z, 9)),
    "hex_flate": (["/ASCIIHexDecode", "/FlateDecode"], binascii.hexlify),
    "a85_flate": (["/ASCII85Decode", "/FlateDecode"], lambda z: base64.a85encode(z) + b"~>"),
    "short_names": (["/AHx", "/Fl"], binascii.hexlify),
}


@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_pdf_bomb_behind_a_filter_chain(hongze_pdf: bytes, chain: str) -> None:
    """256 MB of zeros behind two filters in the real PDF: a few kB on disk, refused as a bomb
    (the first stage alone decodes to almost nothing)."""
    filters, outer = CHAINS[chain]
    encoded = outer(_zeros_bomb(256 * MB))
    with pikepdf.open(io.BytesIO(hongze_pdf)) as pdf:
        bomb = pikepdf.Stream(pdf, b"")
        bomb.write(encoded, filter=pikepdf.Array([pikepdf.Name(name) for name in filters]))
        pdf.Root["/Bomb"] = pdf.make_indirect(bomb)
        out = io.BytesIO()
        pdf.save(out)
    data = out.getvalue()
    assert len(data) < len(hongze_pdf) + 2 * MB
    error = refusal(data, "a.pdf", max_decompressed=64 * MB)
    assert error.code == "attachment_decompression_bomb"


def test_run_length_stream_size_is_known_before_decoding() -> None:
    from nianbao.parsers.attachments.pdfstreams import decoded_size

    # 129 -> the next byte repeated 128 times: 2 bytes of input per 128 of output.
    assert decoded_size(bytes([129, 0]) * 1000 + b"\x80", ["/RunLengthDecode"], 10**9) == 128_000
    assert decoded_size(bytes([129, 0]) * 1000, ["/RunLengthDecode"], 1000) > 1000
    text = b"report"
    assert decoded_size(zlib.compress(binascii.hexlify(text)), ["/Fl", "/AHx"], 100) == len(text)
