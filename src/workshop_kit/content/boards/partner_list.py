"""The partner table as a worksheet, filled from a partner matrix's
partners or left blank to write in."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from workshop_kit.content.boards.base import BoardBase
from workshop_kit.content.boards.partner_matrix import PARTNER_MATRIX, PartnerRow
from workshop_kit.content.boards.registry import register
from workshop_kit.content.model import Slug
from workshop_kit.problems import did_you_mean


class PartnerList(BoardBase):
    """boards/*.yaml: the partner table as a worksheet."""

    type: Literal["partner-list"] = Field(description="The kind of board.")
    partners_from: Slug | None = Field(None, description="A partner-matrix board whose partners fill the table.")
    example: PartnerRow | None = Field(None, description="The example row printed first.")
    blank_rows: int = Field(6, ge=0, le=30, description="Empty rows to write in, 0 to 30.")


def _check(board, boards: dict, unread: set[str]) -> list:
    """partners_from names a partner-matrix board of the kit."""
    wanted = board.model.partners_from
    target = boards.get(wanted) if wanted else None
    if not wanted or (target is not None and target.type == PARTNER_MATRIX.name):
        return []
    matrices = [slug for slug, b in boards.items() if b.type == PARTNER_MATRIX.name]
    problem = board.source.problem(("partners_from",), f"unknown {PARTNER_MATRIX.name} board '{wanted}'"
                                   + did_you_mean(wanted, matrices))
    return [(problem, wanted in unread)]


register(PartnerList, check=_check)
