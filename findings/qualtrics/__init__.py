"""From a Qualtrics survey's own files to a survey folder the build reads.

``python build_tables.py init --qsf SURVEY.qsf --responses EXPORT.csv --out FOLDER`` drafts the
instrument codebook, ``study.yml`` and an empty themes codebook, and copies the export:

- ``qsf.py``     the ``.qsf`` survey definition (JSON) read into typed records; HTML in texts stripped
- ``export.py``  the CSV export's header rows (short names, question texts, ImportIds) and values
- ``guess.py``   what is guessed from wording: non-substantive options, a scale's polarity, and the
                 split of a multi-select cell whose option labels contain commas
- ``draft.py``   the codebook and study dictionaries drafted from a ``.qsf`` and its export
- ``fromexport.py``  the same drafted from the export alone (every guess marked for review)
- ``init.py``    the command: writes the folder (atomically, never over an edited file), prints a
                 summary of what was inferred and what a person should review
"""
