"""The element kinds of face templates, one module each (its spec and its
layout), registered once in registry.py."""
