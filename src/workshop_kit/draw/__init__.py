"""Draw stage: boxes in millimetres -> PDF (ReportLab); points only here."""
