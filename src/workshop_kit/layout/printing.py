"""Kept for output/index_page.py, which still imports the print wording
from here; it lives in workshop_kit.printing and workshop_kit.file_kind."""

from workshop_kit.file_kind import SCREEN_KINDS  # noqa: F401
from workshop_kit.printing import fill_label, file_about, paper_name, sheets_of  # noqa: F401
