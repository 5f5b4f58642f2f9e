#!/usr/bin/env python3
"""Command-line entry point; everything lives in the handouts package."""

import sys

from handouts.cli import main

if __name__ == "__main__":
    sys.exit(main())
