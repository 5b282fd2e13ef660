"""Layout stage: content -> positioned boxes in millimetres. Pure: no file output."""
