import sys

from kafkatui.cli import main

sys.exit(main())
