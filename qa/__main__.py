import os
import sys

from qa.cli import main

try:
    try:
        code = main()
    except SystemExit as e:  # argparse's --help and usage errors
        code = e.code
    sys.stdout.flush()
except BrokenPipeError:
    # the reader went away ("python -m qa ask … | head"): what it read is all it wanted, and no traceback follows
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 0
raise SystemExit(code)
