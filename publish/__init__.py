"""Release building: a versioned, validated, self-describing data package from the warehouse.

release     the order of the steps and their guarantees (atomic, immutable, validated)
staging     the hidden folder a release is assembled in, the build lock, read-only sealing
export      CSV, Parquet and Excel-friendly CSV per resource, and the warehouse snapshot
facts       coverage, sources, known issues and chart series read from the snapshot
descriptor  datapackage.json (with x-fiscal, x-alternates, x-warehouse) and checksum checks
changes     the change log against the previous release (CHANGES.md, changes.json)
dictionary  the data dictionary from schemas/ (DICTIONARY.md, dictionary.html)
readme      the package README.md and CITATION.cff
page, svg   index.html with inline SVG charts, readable offline
archive     SHA256SUMS and the reproducible zip
"""
