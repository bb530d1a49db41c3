"""How much a person has to do, counted and bounded, in English and in French: signing up
to three published objectives from templates, and a weekly check-in of five key results
from the keyboard alone. Each action goes through `Counter`; the tests fail above the aim."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.okrs.models import KeyResult, Level, Objective, ObjectiveState
from conftest import PASSWORD
from tests_e2e.conftest import NewPage, sign_in
from tests_e2e.counting import Counter
from tests_e2e.test_rhythm import five_key_results

pytestmark = pytest.mark.browser

LOCALES = {"en": "en-GB", "fr": "fr-FR"}
SIGN_UP_AIM = 15
CHECK_IN_AIM = 8


@pytest.mark.parametrize("language", LOCALES)
def test_sign_up_to_three_published_objectives_from_templates(
    db, live_server, new_page: NewPage, language: str
) -> None:
    page = new_page(locale=LOCALES[language])
    page.goto("/accounts/signup/")
    count = Counter(page)
    main = page.get_by_role("main")
    email = f"founder-{language}@newco.test"
    count.fill(main.locator("[name=email]"), email)
    count.fill(main.locator("[name=name]"), "Nina Lefebvre")
    count.fill(main.locator("[name=password1]"), PASSWORD)
    count.fill(main.locator("[name=password2]"), PASSWORD)
    count.click(main.locator("form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    [body] = [m.body for m in mail.outbox if email in m.to][-1:]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body)
    assert link, body
    count.follow(link.group(0))
    count.click(main.locator("form button[type=submit]"))

    expect(page).to_have_url(re.compile(r"/organisations/new/$"))
    count.fill(main.locator("[name=name]"), "Newco")
    count.click(main.locator("form button[type=submit]"))

    # The guided start: the current quarter is chosen; three templates, then publish.
    expect(page).to_have_url(re.compile(r"/o/newco/start/$"))
    choices = main.locator("input[name=templates]")
    for index in (0, 1, 5):
        count.check(choices.nth(index))
    count.click(main.locator("form button[type=submit].primary"))
    expect(page).to_have_url(re.compile(r"/o/newco/start/invite/$"))

    objectives = Objective.objects.filter(organization__slug="newco")
    assert objectives.count() == 3
    assert {o.state for o in objectives} == {ObjectiveState.ACTIVE}
    assert {o.level for o in objectives} == {Level.COMPANY}
    assert {o.cycle.kind for o in objectives} == {"quarter"}
    assert all(o.key_results.count() >= 3 for o in objectives)
    assert count.interactions <= SIGN_UP_AIM, count.report()


@pytest.mark.parametrize("language", LOCALES)
def test_weekly_check_in_of_five_key_results_from_the_keyboard(
    world, new_page: NewPage, language: str
) -> None:
    krs = five_key_results(world)
    for number, kr in enumerate(krs, start=1):
        record_check_in(kr, world.bob, value=Decimal(1), confidence=number + 2)
    page = new_page(locale=LOCALES[language])
    sign_in(page, world.bob.email, PASSWORD)
    page.goto("/o/acme/")
    page.wait_for_load_state("load")
    count = Counter(page)

    count.key("c")
    expect(page).to_have_url(re.compile(r"/o/acme/check-in/$"))
    page.wait_for_load_state("load")
    for number, kr in enumerate(krs, start=1):
        expect(page.locator(f"[name=kr-{kr.pk}-value]")).to_be_focused()
        count.type(str(number + 3))
        if kr is not krs[-1]:
            # Past the confidence (kept from last time), the comment, the blockers and the
            # next line's link, to its value.
            count.move("Tab", 5)
    count.key("Enter")
    expect(page.locator("ul.messages")).to_contain_text("5")

    for number, kr in enumerate(krs, start=1):
        latest = CheckIn.objects.filter(key_result=kr).latest("created_at", "id")
        assert (latest.value, latest.confidence) == (Decimal(number + 3), number + 2)
        assert KeyResult.objects.get(pk=kr.pk).current == Decimal(number + 3)
    assert CheckIn.objects.filter(key_result__in=krs).count() == 10
    assert count.interactions <= CHECK_IN_AIM, count.report()
