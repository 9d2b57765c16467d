#!/usr/bin/env python
"""Django's command-line utility; the installed `fitforwork` command does the same."""

from fitforwork.__main__ import main

if __name__ == "__main__":
    main()
