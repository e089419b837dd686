"""`python -m app`: the same command line as `tracktwo`."""

from app.cli import main

raise SystemExit(main())
