"""What goes wrong in a capture, said in one line to the facilitator."""


class CaptureError(Exception):
    """A photo or board that cannot be captured; the message says what to do."""
