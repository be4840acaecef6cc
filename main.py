"""Launch the studyapp desktop app: ``python main.py [--data-dir DIR] [--content DIR] [--language ja]``."""
import sys

from studyapp.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
