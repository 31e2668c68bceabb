"""`python -m borderline` runs the command line."""

import sys

from borderline.cli import main

sys.exit(main())
