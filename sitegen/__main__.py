"""`python -m sitegen`: the command line."""

import sys

from sitegen.cli import main

sys.exit(main())
