"""`python -m handouts`: the same command line as build_pdf.py and the `handouts` command."""

import sys

from .cli import main

sys.exit(main())
