"""docs/testing.md's ``ttminis_wallet`` examples (``tests/test_rules.py``, ``tests/test_best_score.py``),
read from the page and run as written: the rules of a purchase, and a rule using the game surface, on
CPython."""
from tests.shared.docs import sample

exec(compile(sample("testing.md", "# tests/test_rules.py"), "docs/testing.md:tests/test_rules.py", "exec"))

exec(compile(sample("testing.md", "# tests/test_best_score.py"), "docs/testing.md:tests/test_best_score.py", "exec"))
