"""``python -m lumos_compat.testing "Hello!" --loop``: serve a fake LLM script from the command line."""

from lumos_compat.testing.server import main

raise SystemExit(main())
