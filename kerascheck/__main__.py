"""``python -m kerascheck``."""

import sys

from kerascheck.cli import main

if __name__ == "__main__":
    sys.exit(main())
