def test_smoke(harness):
    assert harness.py("return await game.check_balance(50)") is True
