"""examples/shop through Selenium and chromedriver with the ``ttminis_driver`` fixture."""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("ttminis_runtime", ["pyodide", "brython"])]

STATUS = "ttminisLoader.surface.description.text"


def test_login_then_buying_a_sword_by_clicking(ttminis_driver):
    ttminis_driver.wait_for(f"{STATUS} === 'Signed in. Tap the coin!'")
    ttminis_driver.wait_for("TTMinisFake.callsOf('checkBalance').length >= 3")
    x, y = ttminis_driver.button("Buy Sword")
    canvas = ttminis_driver.driver.find_element(By.ID, "game")
    ActionChains(ttminis_driver.driver).move_to_element_with_offset(
        canvas, int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)).click().perform()
    ttminis_driver.wait_for(f"{STATUS} === 'Bought Sword!'")
    assert ttminis_driver.wallet()["balance"] == 70
    assert len(ttminis_driver.calls("pay")) == 1


def test_hide_pauses_and_show_resumes(ttminis_driver):
    ttminis_driver.wait_for(f"{STATUS} === 'Signed in. Tap the coin!'")
    ttminis_driver.trigger("Hide")
    ttminis_driver.wait_for(f"{STATUS} === 'Paused'")
    ttminis_driver.trigger("Show", {"scene": "1001"})
    ttminis_driver.wait_for(f"{STATUS} === 'Welcome back!'")
