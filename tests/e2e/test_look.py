"""What the eye needs: checkboxes whose edge stands out (WCAG non-text contrast, 3:1) and disabled ones that look
disabled, on the staff pages and the public ones."""

import datetime

from tests.accounts.factories import UserFactory
from tests.beneficiaries.factories import HouseholdFactory
from tests.distributions.factories import EventFactory

# Relative luminance and contrast ratio (WCAG 2.x) of the computed colours, in the page itself.
CONTRAST_JS = """(element) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const clear = (node) => getComputedStyle(node).backgroundColor.match(/rgba\\(.*, 0\\)$|transparent/);
  let back = element.parentElement;
  while (back && clear(back)) back = back.parentElement;
  const style = getComputedStyle(element);
  const behind = back ? getComputedStyle(back).backgroundColor : 'rgb(255, 255, 255)';
  const [a, b] = [lum(rgb(style.borderTopColor)), lum(rgb(behind))];
  return {
    ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
    background: style.backgroundColor, border: style.borderTopStyle, cursor: style.cursor, opacity: style.opacity,
  };
}"""


def test_checkboxes_stand_out_and_disabled_ones_look_disabled(page, live_url, login):
    UserFactory(username="coord", coordination=True)
    event = EventFactory(date=datetime.date.today() + datetime.timedelta(days=10))
    HouseholdFactory(last_name="Invitable", certified=True)
    HouseholdFactory(last_name="Expire", certified=True).certifications.update(
        expires_on=datetime.date.today() + datetime.timedelta(days=2)
    )

    login(page, "coord")
    page.goto(live_url(f"/distributions/{event.pk}/inviter/"))
    enabled = page.get_by_label("INVITABLE", exact=False).evaluate(CONTRAST_JS)
    disabled = page.get_by_label("EXPIRE", exact=False).evaluate(CONTRAST_JS)

    assert enabled["ratio"] >= 3, enabled
    assert disabled["background"] != enabled["background"], (enabled, disabled)
    assert disabled["border"] == "dashed" and disabled["cursor"] == "not-allowed", disabled

    page.goto(live_url("/foyers/"))
    assert page.get_by_label("Certification expirant sous 30 jours").evaluate(CONTRAST_JS)["ratio"] >= 3


def test_the_donor_forms_checkboxes_stand_out(page, live_url):
    page.goto(live_url("/dons/proposer/"))
    boxes = page.locator("input[type=checkbox]:visible")
    assert boxes.count() > 0
    for index in range(boxes.count()):
        assert boxes.nth(index).evaluate(CONTRAST_JS)["ratio"] >= 3
