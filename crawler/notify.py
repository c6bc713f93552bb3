"""Send a night's flags somewhere a person looks: a webhook (JSON POST) and/or e-mail.

Both are optional (``NIANBAO_ALERT_WEBHOOK``, ``NIANBAO_ALERT_EMAIL`` with ``NIANBAO_SMTP_URL``
and ``NIANBAO_ALERT_FROM``) and best effort: a failing alert channel is logged, it never turns a
good crawl into a failed one. The standard library does both, so no dependency is added.
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)


def alert_text(run_id: int | None, flagged: Mapping[str, Sequence[Mapping[str, str]]]) -> str:
    lines = [f"nianbao run {run_id}: {len(flagged)} spider(s) flagged"]
    for spider, spider_flags in sorted(flagged.items()):
        for flag in spider_flags:
            lines.append(f"- {spider}: {flag['flag']}: {flag['detail']}")
    return "\n".join(lines)


def post_webhook(url: str, payload: Mapping[str, Any], timeout: float = 10.0) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


def send_email(
    smtp_url: str, sender: str, recipients: Sequence[str], subject: str, body: str
) -> None:
    parts = urlsplit(smtp_url)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content(body)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname or "localhost", parts.port or 0, timeout=30) as smtp:
        if parts.scheme == "smtp+starttls":
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


def notify(
    settings: Mapping[str, Any] | Any,
    run_id: int | None,
    flagged: Mapping[str, Sequence[Mapping[str, str]]],
) -> list[str]:
    """Send ``flagged`` ({spider: [flag, …]}) to the configured channels; return those used."""
    if not flagged:
        return []
    used = []
    text = alert_text(run_id, flagged)
    webhook = settings.get("NIANBAO_ALERT_WEBHOOK")
    if webhook:
        try:
            post_webhook(webhook, {"run": run_id, "text": text, "flags": dict(flagged)})
            used.append("webhook")
        except OSError as error:
            logger.error("Alert webhook %s failed: %s", webhook, error)
    recipients = [a.strip() for a in (settings.get("NIANBAO_ALERT_EMAIL") or "").split(",")]
    recipients = [a for a in recipients if a]
    if recipients:
        try:
            send_email(
                settings.get("NIANBAO_SMTP_URL") or "smtp://localhost:25",
                settings.get("NIANBAO_ALERT_FROM") or "nianbao@localhost",
                recipients,
                f"nianbao: {len(flagged)} spider(s) flagged",
                text,
            )
            used.append("email")
        except (OSError, smtplib.SMTPException) as error:
            logger.error("Alert e-mail to %s failed: %s", ", ".join(recipients), error)
    return used
