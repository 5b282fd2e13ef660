"""Defaults of `workshop-kit serve` that its command line shows, kept
apart from the server's modules so that the command line starts without
importing them."""

# Answers one address may send. The phones of a room often share one public
# address (the venue's network): 100 people each answering five forms within
# ten minutes pass; a script that posts hundreds a minute is stopped after
# 500, and then gets one answer through for each that leaves the window.
DEFAULT_RATE = "500/10 minutes"
