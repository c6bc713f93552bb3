"""Refuse zip containers (DOCX, XLSX) that would inflate past the limits: zip bombs.

python-docx and openpyxl read members through :mod:`zipfile`, which never returns more bytes
than a member's declared size (a member that inflates further fails its CRC check). So the
declared sizes bound what the readers can allocate, and checking them before opening is
enough. XML entity declarations (the "billion laughs") have no place in Office parts and are
refused too, wherever in the part and in whichever encoding they stand.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from .limits import AttachmentRefused, Limits

_MAX_MEMBERS = 10_000
#: ``<!ENTITY`` as it appears in the encodings an XML part may declare (UTF-8 and the
#: ASCII-compatible ones, UTF-16 either way round).
_ENTITIES = tuple("<!ENTITY".encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be"))
_OVERLAP = max(len(entity) for entity in _ENTITIES) - 1
_CHUNK = 1024 * 1024


def guard_zip(data: bytes, limits: Limits) -> None:
    """Raise :class:`AttachmentRefused` for a corrupt container or a decompression bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise AttachmentRefused("attachment_corrupt", f"not a readable zip: {error}") from error
    if len(members) > _MAX_MEMBERS:
        raise AttachmentRefused("attachment_corrupt", f"{len(members)} zip members")
    total = 0
    for member in members:
        total += member.file_size
        if total > limits.max_decompressed:
            raise AttachmentRefused(
                "attachment_decompression_bomb",
                f"members inflate to more than {limits.max_decompressed} bytes",
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise AttachmentRefused(
                "attachment_decompression_bomb",
                f"{member.filename} inflates {ratio:.0f}x ({member.file_size} bytes)",
            )
        if member.flag_bits & 0x1:
            raise AttachmentRefused("attachment_encrypted", f"{member.filename} is encrypted")
    for member in members:
        is_xml = member.filename.endswith((".xml", ".rels")) and member.file_size
        if is_xml and _declares_entities(archive, member):
            raise AttachmentRefused(
                "attachment_decompression_bomb", f"{member.filename} declares XML entities"
            )


def _declares_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether the part declares an XML entity anywhere, streamed in chunks (a declaration
    may follow a long comment, or the part may be UTF-16): bounded by the member's declared
    size, which the checks above already capped."""
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                if any(entity in window for entity in _ENTITIES):
                    return True
                tail = window[-_OVERLAP:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as error:
        raise AttachmentRefused("attachment_corrupt", f"{member.filename}: {error}") from error
    return False
