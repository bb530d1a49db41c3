"""A small valid OKR file, and a way to break it: the replacement carries the marker `#!`
where the error is, which moves to the end of its line as a YAML comment, so that a test
knows which line the error must name."""

from cible.okrfiles.schema import read

MARK = "#!"

VALID = """\
version: 1
organization: {name: Acme, time_zone: Europe/Paris}
people:
  - {email: alice@acme.test, name: Alice, role: owner}
  - {email: bob@acme.test, name: Bob, role: member}
  - {email: carl@acme.test, name: Carl, role: member}
  - {email: fred@acme.test, name: Fred, role: former}
teams:
  - {name: Product, lead: bob@acme.test, members: [bob@acme.test]}
  - {name: Sales, parent: Product, members: [carl@acme.test]}
cycles:
  - {name: "2027", kind: year, start: 2027-01-01, end: 2027-12-31, state: active}
  - {name: Q1, kind: quarter, start: 2027-01-01, end: 2027-03-31, parent: "2027"}
  - {name: Q2, kind: quarter, start: 2027-04-01, end: 2027-06-30, parent: "2027"}
objectives:
  - ref: company
    title: Delight our customers
    level: company
    cycle: Q1
    owner: alice@acme.test
    key_results:
      - {title: Raise the CSAT, start: 70, target: 90, unit: "%"}
      - {title: Follow support, start: 0, target: 100, driven_by: support}
  - ref: support
    title: Answer faster
    level: team
    team: Product
    cycle: Q1
    owner: bob@acme.test
    parents: [company]
    key_results:
      - ref: response
        title: Cut the first response time
        kind: decrease
        start: 4
        target: 1
        check_ins:
          - {at: "2027-01-11T09:00:00+01:00", value: 3.5, confidence: 7, author: bob@acme.test}
  - ref: sales
    title: Sell the support plan
    level: team
    team: Sales
    cycle: Q1
    owner: carl@acme.test
    parents: [company]
    key_results:
      - {ref: plans, title: Signed plans, start: 0, target: 30}
dependencies:
  - {from: sales, from_key_result: plans, to: support, note: Fast answers sell}
reviews:
  - {kind: weekly, cycle: Q1, team: Product, held_on: 2027-01-18, created_by: bob@acme.test}
"""


def broken(old: str, new: str, base: str = VALID) -> str:
    assert old in base, old
    text = base.replace(old, new, 1)
    at = text.find(MARK)
    if at < 0:
        return text
    before, after = text[:at].rstrip(" "), text[at + len(MARK) :]
    end = after.find("\n")
    end = len(after) if end < 0 else end
    return f"{before}{after[:end]}  {MARK}{after[end:]}"


def marked_line(text: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if MARK in line]
    assert len(lines) == 1, "mark exactly one line"
    return lines[0]


def problems(text: str) -> list[tuple[int, str]]:
    _document, found = read(text)
    return [(p.line, p.message) for p in found]
