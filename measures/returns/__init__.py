"""The monthly return in Excel: reading either layout (template or committee table), validating every cell
into one report, importing in one transaction, and writing the template."""

from measures.returns.importer import import_return
from measures.returns.parsing import parse_return
from measures.returns.report import ERROR_CODES, WARNING_CODES, ImportReport, Issue

__all__ = ["ERROR_CODES", "WARNING_CODES", "ImportReport", "Issue", "import_return", "parse_return"]
