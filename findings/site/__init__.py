"""What runs at MkDocs' (or Zensical's) build time: the macros module, and ``make serve``."""
