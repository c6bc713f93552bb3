"""The decoded size of a PDF stream through its whole filter chain, under a cap.

A stream may name several filters (``[/ASCIIHexDecode /FlateDecode]``,
``[/FlateDecode /FlateDecode]``): each stage's output is the next one's input, so a bomb can
hide behind a harmless first stage (4 KB of hex that inflates to 2 GB in pdfminer). Every
stage here is bounded: Flate and LZW inflate in chunks and stop just past the budget, hex is
halved, ASCII85 and RunLength have their exact output size computed before they are decoded.
Image codecs (DCT, JPX, CCITT, JBIG2) end the chain: pdfminer never decodes them for text.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zlib

_CHUNK = 1024 * 1024
_WHITESPACE = re.compile(rb"\s+")
_ALIASES = {
    "/Fl": "/FlateDecode",
    "/AHx": "/ASCIIHexDecode",
    "/A85": "/ASCII85Decode",
    "/LZW": "/LZWDecode",
    "/RL": "/RunLengthDecode",
}


class _OverBudget(Exception):
    """A stage produced more than the budget: the exact figure no longer matters."""


def decoded_size(raw: bytes, filters: list[str], budget: int) -> int:
    """Bytes the stream decodes to, or a number past ``budget`` as soon as that is certain.

    A damaged stage ends the count at what was decoded so far (pdfminer skips such a stream
    the same way); an unknown filter counts its input.
    """
    data = raw
    names = [_ALIASES.get(name, name) for name in filters]
    try:
        for index, name in enumerate(names):
            last = index == len(names) - 1
            if name == "/FlateDecode":
                if last:
                    return _inflated_size(data, budget)
                data = _inflate(data, budget)
            elif name == "/ASCIIHexDecode":
                data = _unhex(data)
            elif name == "/ASCII85Decode":
                data = _un85(data, budget)
            elif name == "/RunLengthDecode":
                data = _unrun(data, budget)
            elif name == "/LZWDecode":
                data = _unlzw(data, budget)
            else:
                return len(data)
    except _OverBudget:
        return budget + 1
    except (zlib.error, ValueError, binascii.Error, EOFError):
        return len(data)
    return len(data)


def _inflated_size(data: bytes, budget: int) -> int:
    inflater, size, pending = zlib.decompressobj(), 0, data
    while pending and size <= budget:
        size += len(inflater.decompress(pending, _CHUNK))
        pending = inflater.unconsumed_tail
    return size


def _inflate(data: bytes, budget: int) -> bytes:
    inflater, out, pending = zlib.decompressobj(), bytearray(), data
    while pending:
        out += inflater.decompress(pending, _CHUNK)
        if len(out) > budget:
            raise _OverBudget
        pending = inflater.unconsumed_tail
    return bytes(out)


def _unhex(data: bytes) -> bytes:
    digits = _WHITESPACE.sub(b"", data).split(b">", 1)[0]
    if len(digits) % 2:
        digits += b"0"
    return binascii.unhexlify(digits)


def _un85(data: bytes, budget: int) -> bytes:
    body = _WHITESPACE.sub(b"", data)
    body = body.removeprefix(b"<~").split(b"~>", 1)[0]
    zeros = body.count(b"z")
    if 4 * zeros + (len(body) - zeros) * 4 // 5 > budget:
        raise _OverBudget
    return base64.a85decode(body)


def _unrun(data: bytes, budget: int) -> bytes:
    size, at = 0, 0
    while at < len(data):  # the exact output size, before anything is allocated
        length = data[at]
        if length == 128:
            break
        if length < 128:
            size, at = size + length + 1, at + length + 2
        else:
            size, at = size + 257 - length, at + 2
        if size > budget:
            raise _OverBudget
    out, at = bytearray(), 0
    while at < len(data) and data[at] != 128:
        length = data[at]
        if length < 128:
            out += data[at + 1 : at + length + 2]
            at += length + 2
        else:
            out += data[at + 1 : at + 2] * (257 - length)
            at += 2
    return bytes(out)


def _unlzw(data: bytes, budget: int) -> bytes:
    from pdfminer.lzw import LZWDecoder

    out = bytearray()
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        out += chunk
        if len(out) > budget:
            raise _OverBudget
    return bytes(out)
