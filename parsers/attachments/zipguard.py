"""Refuse zip containers (DOCX, XLSX) that would inflate past the limits: zip bombs.

python-docx and openpyxl read members through :mod:`zipfile`, which never returns more bytes
than a member's declared size (a member that inflates further fails its CRC check). So the
declared sizes bound what the readers can allocate, and checking them before opening is
enough. XML entity declarations (the "billion laughs") have no place in Office parts and are
refused too.
"""

from __future__ import annotations

import io
import zipfile

from .limits import AttachmentRefused, Limits

_MAX_MEMBERS = 10_000
_ENTITY = b"<!ENTITY"
_PEEK = 4096


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
        if member.filename.endswith((".xml", ".rels")) and member.file_size:
            try:
                with archive.open(member) as stream:
                    head = stream.read(_PEEK)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
                raise AttachmentRefused(
                    "attachment_corrupt", f"{member.filename}: {error}"
                ) from error
            if _ENTITY in head:
                raise AttachmentRefused(
                    "attachment_decompression_bomb", f"{member.filename} declares XML entities"
                )
