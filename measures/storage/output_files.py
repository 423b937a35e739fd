"""Files the product writes for an operator (exports, templates) either appear whole under their name or not at
all: a full disk or a broken folder halfway through never leaves a truncated file that looks like a good one.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path


def write_whole(out: str | os.PathLike[str], content: bytes) -> Path:
    """Write `content` to `out` through a temporary file beside it, renamed into place once it is complete.

    Returns the path written. Raises OSError when the file cannot be written (a full disk, a missing folder, no
    permission); `out` is then as it was before (absent, or the previous file), and no temporary file is left.
    """
    out = Path(out)
    descriptor, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out


def workbook_bytes(workbook) -> bytes:
    """Return an openpyxl `workbook` saved to memory. Saving straight to a file that the disk cannot hold leaves
    the zip writer half-closed, and it fails again, noisily, when it is collected."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
