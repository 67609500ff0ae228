"""``python -m sim``: the same as the ``alliance-sim`` command."""

import sys

from sim.cli import main

sys.exit(main())
