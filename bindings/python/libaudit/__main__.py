"""``python -m libaudit``: the same as the ``libaudit`` command."""

import sys

from .cli import main

sys.exit(main())
