"""Reading poppler's ``pdfsig`` report: a tool nobody here wrote judges the signatures."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SignatureReport:
    """What pdfsig says about the first signature of a file."""

    common_name: str
    validation: str
    whole_document: bool
    output: str

    @property
    def valid(self) -> bool:
        return self.validation == "Signature is Valid."


def pdfsig(pdf: bytes, directory: Path, name: str = "doc.pdf") -> SignatureReport:
    """Write `pdf` to directory/name and return pdfsig's report of its first signature."""
    path = directory / name
    path.write_bytes(pdf)
    output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    common_name = re.search(r"Signer Certificate Common Name: (.*)", output)
    validation = re.search(r"Signature Validation: (.*)", output)
    assert common_name and validation, f"pdfsig found no signature:\n{output}"
    return SignatureReport(common_name[1].strip(), validation[1].strip(), "Total document signed" in output, output)


def tampered(pdf: bytes) -> bytes:
    """Change one byte inside the signed range that no parser reads: the binary comment on the PDF's second line."""
    data = bytearray(pdf)
    offset = data.index(b"\n%") + 2  # the first byte after "%" of the comment line
    data[offset] ^= 0x01
    return bytes(data)
