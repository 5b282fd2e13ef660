"""Impose stage: card faces -> sheets. Pure geometry in millimetres:
where each face goes, crop marks, duplex mirroring and the PDF boxes."""
