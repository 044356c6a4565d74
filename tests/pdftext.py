"""Read a generated PDF back as a user would: its text, page by page, with line breaks and spacing evened out."""

import io

from pypdf import PdfReader


def pdf_pages(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def pdf_text(content: bytes) -> str:
    return " ".join(pdf_pages(content))
