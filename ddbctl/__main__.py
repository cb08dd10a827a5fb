import sys

from ddbctl.cli import main

sys.exit(main())
