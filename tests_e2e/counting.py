"""Counting what a person does: every click, every key that submits or moves on, every
field filled counts as one interaction; key presses are counted apart (Tab moves the
focus without being an interaction)."""

from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page


@dataclass
class Counter:
    page: Page
    interactions: int = 0
    key_presses: int = 0
    log: list[str] = field(default_factory=list)

    def _count(self, what: str) -> None:
        self.interactions += 1
        self.log.append(what)

    def click(self, locator: Locator) -> None:
        locator.click()
        self._count(f"click {locator}")

    def check(self, locator: Locator) -> None:
        locator.check()
        self._count(f"check {locator}")

    def fill(self, locator: Locator, text: str) -> None:
        locator.fill(text)
        self._count(f"fill {locator}")
        self.key_presses += len(text)

    def follow(self, url: str) -> None:
        """A link followed from outside the page (the one of an e-mail): one click."""
        self.page.goto(url)
        self._count(f"follow {url}")

    def key(self, key: str) -> None:
        """A key that acts: a shortcut, Enter."""
        self.page.keyboard.press(key)
        self.key_presses += 1
        self._count(f"key {key}")

    def type(self, text: str) -> None:
        """One field filled from the keyboard, where the focus is."""
        self.page.keyboard.type(text)
        self.key_presses += len(text)
        self._count(f"type {text!r}")

    def move(self, key: str = "Tab", times: int = 1) -> None:
        """Keys that only move the focus: no interaction."""
        for _ in range(times):
            self.page.keyboard.press(key)
        self.key_presses += times

    def report(self) -> str:
        return f"{self.interactions} interactions, {self.key_presses} key presses: " + "; ".join(
            self.log
        )
