"""`python -m sitegen`: the command line."""

from sitegen.cli import run

run()
