"""Legacy DOC/WPS (Word 97 and Kingsoft WPS Writer) and ET files through LibreOffice headless.

No maintained pure-Python reader exists for the Word 97 binary format, and WPS Office saves
its ``.wps``/``.et`` files in the same OLE2 binary formats; LibreOffice reads both. Each
conversion runs in a fresh temporary profile (``-env:UserInstallation``), so conversions in
parallel do not fight over one profile lock, and under a timeout. When LibreOffice is not
installed the file is refused with ``attachment_unsupported`` naming what to install.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .limits import AttachmentRefused, Limits

_INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui) or set NIANBAO_SOFFICE to its soffice binary"
)


def find_soffice(configured: str = "") -> str | None:
    """The LibreOffice binary: the configured path, else ``soffice``/``libreoffice`` on PATH."""
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, source_suffix: str, target: str, limits: Limits) -> bytes:
    """Convert ``data`` (a ``.doc``/``.wps``/``.xls``/``.et`` file) to ``target`` (docx, xlsx)."""
    soffice = find_soffice(limits.soffice)
    if soffice is None:
        raise AttachmentRefused(
            "attachment_unsupported", f"{source_suffix} files need LibreOffice: {_INSTALL_HINT}"
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / f"attachment{source_suffix}"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            _run_in_own_group(command, limits.convert_timeout)
        except subprocess.TimeoutExpired as error:
            raise AttachmentRefused(
                "attachment_convert_timeout",
                f"LibreOffice took more than {limits.convert_timeout:.0f} s",
            ) from error
        except OSError as error:
            raise AttachmentRefused(
                "attachment_unsupported", f"cannot run {soffice}: {error}; {_INSTALL_HINT}"
            ) from error
        converted = folder / "out" / f"attachment.{target}"
        if not converted.is_file():
            raise AttachmentRefused(
                "attachment_corrupt", f"LibreOffice could not convert the {source_suffix} file"
            )
        return converted.read_bytes()


def _run_in_own_group(command: list[str], timeout: float) -> None:
    """Run ``command`` in a session of its own and, past ``timeout``, kill that whole group.

    ``soffice`` is a wrapper that starts ``soffice.bin`` (which may start more): the timeout of
    ``subprocess.run`` kills only the wrapper and leaves the converter running, one more each
    time a hostile file hangs it. A new session makes the wrapper the leader of a process
    group that takes its children with it.
    """
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        process.wait()
        raise
    finally:
        _kill_group(process.pid)  # children left behind by a wrapper that exited on its own


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
