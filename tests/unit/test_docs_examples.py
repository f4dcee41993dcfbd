"""docs/testing.md's ``ttminis_wallet`` example (``tests/test_rules.py``), read from the page and run as
written: the rules of a purchase on CPython."""
from tests.shared.docs import sample

exec(compile(sample("testing.md", "# tests/test_rules.py"), "docs/testing.md:tests/test_rules.py", "exec"))
