"""python -m porto_exporter"""

import sys

from .cli import main

sys.exit(main())
