"""Helpers shared by the tests: running work in threads released at the same moment."""

import threading
from collections.abc import Callable

from django.db import connection


def race[T](work: Callable[[], T], runners: int = 2) -> list[T]:
    """Run `work` in parallel threads released together, each with its own connection."""
    barrier = threading.Barrier(runners, timeout=10)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(results) == runners
    return results
