"""Output stage: files written atomically, and the manifest that lists them."""
