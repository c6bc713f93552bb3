"""What a fetched URL or page is, before any spider looks at it: a report file, a challenge.

Spiders, downloader middlewares (``kinds``, ``faults``, ``lists``) and the generic spider all
ask these questions of the same pages; answering them in one module, apart from any spider
class, keeps every caller's answer the same.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse

#: Attachment types a report is published as (PORTALS.md §5).
ATTACHMENT_SUFFIXES: tuple[str, ...] = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx")
#: TRS stores uploads as P0/W0 + digits (``P020260911578215495483.pdf``); other document types
#: uploaded that way (.ofd, .zip, .et …) are attachments too, images and media are not.
_TRS_UPLOAD = re.compile(r"/[PW]0\d{12,}\.(?P<ext>[A-Za-z0-9]{2,5})$")
_MEDIA_SUFFIXES = frozenset(
    {"jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "swf", "flv", "mp4", "mp3", "css", "js"}
)
#: Download gateways name the file in the query: Hanweb ``/module/download/downfile.jsp?
#: classid=0&filename=1802011040418.xls``, others ``…?file=…`` or ``…?fileName=…``.
_QUERY_FILE = re.compile(r"(?:^|&)(?:file|filename|fileName|name)=([^&]+)")

#: Dates in URLs: TRS ``t20230119_…``, Hanweb ``/art/2024/1/16/``.
_URL_DATE = re.compile(
    r"/t((?:19|20)\d{2})(\d{2})(\d{2})_|/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"
)

#: 瑞数 (River Security) and similar JS shields (PORTALS.md §6): the page is a challenge, not
#: content. Only the start of the page is searched: the markers sit in its <head>.
_CHALLENGE = re.compile(
    r"<meta\s+content=\"\{qqqq|<script[^>]*\br=['\"]m['\"]|\$_ts\b|\$_ss\b|Precondition Failed"
)
BLOCKED_STATUSES: tuple[int, ...] = (412, 521)


def url_date(url: str) -> str | None:
    """Publication date written into the URL by TRS and Hanweb, as ``YYYY-MM-DD``."""
    match = _URL_DATE.search(url)
    if match is None:
        return None
    parts = [int(part) for part in match.groups() if part is not None]
    try:
        return dt.date(*parts).isoformat()
    except ValueError:
        return None


def is_attachment_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.path.lower().endswith(ATTACHMENT_SUFFIXES):
        return True
    named = _QUERY_FILE.search(parts.query)
    if named and named.group(1).lower().endswith(ATTACHMENT_SUFFIXES):
        return True
    upload = _TRS_UPLOAD.search(parts.path)
    return upload is not None and upload.group("ext").lower() not in _MEDIA_SUFFIXES


def attachment_links(response: TextResponse) -> list[str]:
    """Absolute URLs of the report files a page links to, in page order, without repeats."""
    found: dict[str, None] = {}
    for href in response.css("a[href]::attr(href)").getall():
        url = response.urljoin(href.strip())
        if url.startswith(("http://", "https://")) and is_attachment_url(url):
            found.setdefault(url, None)
    return list(found)


def is_challenge(response: Response) -> bool:
    """An anti-bot answer: a shield status, or a 瑞数 challenge page served as 200."""
    if response.status in BLOCKED_STATUSES:
        return True
    if not isinstance(response, TextResponse):
        return False
    return bool(_CHALLENGE.search(response.text[:20_000]))
