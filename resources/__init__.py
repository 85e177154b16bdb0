"""Data files of 厅端 (no code): the service catalog, and later translations (i18n/*.qm), style
sheets and fonts. A package so that `pip install .` and the freezer carry them along, found
beside the `hall` package in a checkout, in site-packages and in a frozen bundle alike."""
