"""A person's way through the pages, measured: how many steps (each click or tap that
moves them on) and how many fields (each box typed in, each box ticked, each option chosen)
it takes, with every page they reach checked by axe (each journey runs at desktop and at
phone width).

A journey test does what the person does through a `Journey`, then says how long the
journey may be; the figures recorded are what it takes today, so a change that makes a
person's day longer fails until someone decides that it should.
"""

from urllib.parse import urlsplit

from tests.browser.support import assert_accessible


class Journey:
    def __init__(self, page):
        self.page = page
        self.steps = 0
        self.fields = 0
        self.checked_pages = set()
        self.check_page()

    def check_page(self):
        """axe once for each page (by its path) the journey reaches, at the test's width: each
        journey runs at desktop and at phone width (resizing a page under axe would catch the
        header part-way through moving its links into "More")."""
        self.page.wait_for_load_state()
        path = urlsplit(self.page.url).path
        if path in self.checked_pages:
            return
        self.checked_pages.add(path)
        assert_accessible(self.page)

    def step(self, locator):
        """A click or tap that takes the person on (a link, a button)."""
        locator.click()
        self.steps += 1
        self.check_page()

    def menu(self, name):
        """A link in the header's menu: on a narrow screen "More" opens first (a step too)."""
        menu = self.page.get_by_role("navigation", name="Menu")
        link = menu.get_by_role("link", name=name, exact=True)
        if not link.is_visible():
            menu.get_by_role("button", name="Browse More").click()
            self.steps += 1
        self.step(link)

    def fill(self, locator, value):
        locator.fill(value)
        self.fields += 1

    def tick(self, locator):
        """A radio or checkbox chosen."""
        locator.check()
        self.fields += 1

    def choose(self, locator, **option):
        """An option chosen from a list (`label=` or `value=`)."""
        locator.select_option(**option)
        self.fields += 1

    def assert_no_longer_than(self, *, steps, fields):
        assert self.steps <= steps and self.fields <= fields, (
            f"The journey took {self.steps} steps and {self.fields} fields; it took "
            f"{steps} and {fields} when last measured. If it should be longer, change the "
            "figures with the reason."
        )
