"""Whoever asks their system for less motion gets none: no CSS transition or animation on any
element of the petition page, and no smooth scrolling; without the wish, the motion is there."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOVING = """() => {
  const moving = [];
  for (const element of document.querySelectorAll("*")) {
    for (const pseudo of [null, "::before", "::after"]) {
      const style = getComputedStyle(element, pseudo);
      const durations = (style.transitionDuration + "," + style.animationDuration).split(",");
      if (style.animationName !== "none" || durations.some(d => parseFloat(d) > 0)) {
        moving.push(element.tagName.toLowerCase() + "." + element.className + (pseudo || ""));
      }
    }
  }
  return {moving, scroll: getComputedStyle(document.documentElement).scrollBehavior};
}"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_reduced_motion_turns_every_transition_off(
    browser, live_server, settings, petition, motion
):
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        **browser.devices["Pixel 7"], base_url=live_server.url, reduced_motion=motion
    )
    page = context.new_page()
    page.goto(petition.get_absolute_url())
    found = page.evaluate(MOVING)
    context.close()
    if motion == "reduce":
        assert found == {"moving": [], "scroll": "auto"}
    else:  # the check above would see motion if there were any
        assert found["moving"] and found["scroll"] == "smooth"
