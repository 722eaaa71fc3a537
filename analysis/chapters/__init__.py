"""One module per book chapter, named as its `.qmd` (`chapters/01-drivers.qmd` ->
`analysis/chapters/drivers.py`). Each returns the figures, tables and inline values its
chapter prints; it reads data only through `analysis.db`, never imports `analysis.extract`
or another chapter module."""
