"""The findings site generator: survey data and codebooks in ``data/`` -> pages in ``docs/generated/``.

One module per job:

- ``config``     paths only (where data lives, where output goes)
- ``errors``     the one error type the build reports to a person
- ``codebook``   the survey instrument codebook (``instrument.yaml``)
- ``responses``  the respondent-level data (reconstructed CSV or a real Qualtrics export)
- ``themes``     the qualitative codebook (``themes.yaml``)
- ``stated``     the figures the manuscript states, and the check against computed values
- ``tables``     pure computations over DataFrames (counts, percentages, denominators)
- ``figures``    matplotlib charts (SVG + PNG)
- ``pages``      markdown rendering of tables, quotes and the instrument
- ``privacy``    what must never reach ``docs/``
"""
