"""Entry point of `python -m measures`."""

import os
import sys

from measures.cli.main import main

try:
    status = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader (e.g. `| head`) stopped early: not an error. Silence the flush at exit.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    status = 0
sys.exit(status)
