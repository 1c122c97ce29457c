"""The findings site generator: survey data and codebooks in ``data/`` -> the site's source in ``build/``.

The stages, in the order ``pipeline.build()`` runs them:

- ``load/``     read and validate every input file (one YAML reader, ``load/yamlfile.py``)
- ``compute/``  every count, denominator and percentage, once, as typed results
- ``render/``   results and words -> markdown pages, fragments, figure specs, downloads
- ``privacy``   what must never be published (checked before anything is written)
- ``write``     one atomic swap of ``build/``; figures drawn through a content-hashed cache
- ``site/``     what MkDocs runs: the macros module, and ``make serve``

``errors`` holds the one error type shown to a person; ``paths`` the default paths.
"""
