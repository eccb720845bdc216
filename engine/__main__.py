"""`python -m engine`: the headless commands of StateCanvas."""

from engine.cli import main

raise SystemExit(main())
