"""tunegap's own GSM-style word problems: templates written for this project, answers computed.

Each template draws its numbers from a seeded RNG, rejects draws that would make the story odd
(negative counts, uneven splits), and returns the question, a worked solution and the exact
integer answer. Templates run from one step to four so that tiny models score above zero on the
easy end. The perturbation engine grows from here: a template knows its variables, so a variant
(new numbers, an added step, a distractor) keeps a verifiably right answer.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

NAMES = ("Ava", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonah",
         "Kira", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq")


@dataclass(frozen=True)
class Problem:
    template: str
    steps: int
    question: str
    solution: str  # worked steps, without the final "The answer is" line
    answer: int


@dataclass(frozen=True)
class Template:
    id: str
    steps: int
    draw: Callable[[random.Random], tuple[str, list[str], int] | None]  # None = reject the draw


TEMPLATES: list[Template] = []


def template(id: str, steps: int):
    def register(fn):
        TEMPLATES.append(Template(id, steps, fn))
        return fn
    return register


def _name(r: random.Random, *exclude: str) -> str:
    return r.choice([n for n in NAMES if n not in exclude])


# ---- one step
@template("add-marbles", 1)
def _t1(r):
    n, a, b = _name(r), r.randint(3, 40), r.randint(2, 30)
    return (f"{n} has {a} marbles and finds {b} more. How many marbles does {n} have now?",
            [f"{n} has {a} + {b} = {a + b} marbles."], a + b)


@template("sub-stickers", 1)
def _t2(r):
    n, a, b = _name(r), r.randint(10, 60), r.randint(2, 30)
    if b >= a:
        return None
    return (f"{n} had {a} stickers and gave {b} of them away. How many stickers does {n} have left?",
            [f"{n} has {a} - {b} = {a - b} stickers left."], a - b)


@template("mul-pencils", 1)
def _t3(r):
    a, b = r.randint(2, 12), r.randint(2, 9)
    return (f"A box holds {a} pencils. How many pencils are there in {b} boxes?",
            [f"{b} boxes hold {b} x {a} = {a * b} pencils."], a * b)


@template("div-cookies", 1)
def _t4(r):
    n, each, k = _name(r), r.randint(2, 9), r.randint(2, 8)
    total = each * k
    return (f"{n} shares {total} cookies equally among {k} friends. How many cookies does each "
            f"friend get?", [f"Each friend gets {total} / {k} = {each} cookies."], each)


@template("add-farm", 1)
def _t5(r):
    a, b = r.randint(5, 50), r.randint(5, 50)
    return (f"A farm has {a} cows and {b} sheep. How many animals are on the farm altogether?",
            [f"There are {a} + {b} = {a + b} animals."], a + b)


@template("sub-ribbon", 1)
def _t6(r):
    n, a, b = _name(r), r.randint(30, 120), r.randint(5, 40)
    if b >= a:
        return None
    return (f"A ribbon is {a} cm long. {n} cuts off {b} cm. How long is the ribbon now, in cm?",
            [f"The ribbon is {a} - {b} = {a - b} cm long."], a - b)


# ---- two steps
@template("change-notebooks", 2)
def _t7(r):
    n, a, p, bill = _name(r), r.randint(2, 6), r.randint(2, 9), r.choice((20, 50, 100))
    cost = a * p
    if cost >= bill:
        return None
    return (f"{n} buys {a} notebooks at ${p} each and pays with a ${bill} bill. How many dollars "
            f"of change does {n} get?",
            [f"The notebooks cost {a} x {p} = ${cost}.", f"The change is {bill} - {cost} = ${bill - cost}."],
            bill - cost)


@template("bakery-left", 2)
def _t8(r):
    a, d, s = r.randint(10, 40), r.randint(2, 6), r.randint(5, 100)
    made = a * d
    if s >= made:
        return None
    return (f"A bakery makes {a} muffins a day for {d} days and sells {s} of them. How many "
            f"muffins are left?",
            [f"It makes {a} x {d} = {made} muffins.", f"{made} - {s} = {made - s} are left."],
            made - s)


@template("twice-pages", 2)
def _t9(r):
    n, a = _name(r), r.randint(5, 40)
    return (f"{n} reads {a} pages on Monday and twice as many on Tuesday. How many pages does {n} "
            f"read on the two days together?",
            [f"On Tuesday {n} reads 2 x {a} = {2 * a} pages.", f"Together: {a} + {2 * a} = {3 * a} pages."],
            3 * a)


@template("free-chairs", 2)
def _t10(r):
    a, b, c = r.randint(3, 12), r.randint(4, 15), r.randint(1, 100)
    seats = a * b
    if c >= seats:
        return None
    return (f"A hall has {a} rows of {b} chairs. {c} chairs are taken. How many chairs are free?",
            [f"There are {a} x {b} = {seats} chairs.", f"{seats} - {c} = {seats - c} are free."],
            seats - c)


@template("wage-days", 2)
def _t11(r):
    n, w, h, d = _name(r), r.randint(8, 20), r.randint(2, 8), r.randint(2, 6)
    return (f"{n} earns ${w} an hour and works {h} hours a day. How many dollars does {n} earn in "
            f"{d} days?",
            [f"In a day {n} earns {w} x {h} = ${w * h}.", f"In {d} days: {w * h} x {d} = ${w * h * d}."],
            w * h * d)


@template("half-then-lunch", 2)
def _t12(r):
    n, a, b = _name(r), 2 * r.randint(10, 60), r.randint(2, 15)
    if a // 2 <= b:
        return None
    return (f"{n} has ${a}. {n} spends half of it on a book and then ${b} on lunch. How many "
            f"dollars does {n} have left?",
            [f"After the book {n} has {a} / 2 = ${a // 2}.", f"After lunch: {a // 2} - {b} = ${a // 2 - b}."],
            a // 2 - b)


@template("packs-batteries", 2)
def _t13(r):
    a, m, p = r.randint(2, 8), r.randint(2, 7), r.randint(3, 12)
    return (f"A pack of {a} batteries costs ${p}. How many dollars do {a * m} batteries cost?",
            [f"{a * m} batteries are {a * m} / {a} = {m} packs.", f"They cost {m} x {p} = ${m * p}."],
            m * p)


# ---- three steps
@template("fruit-change", 3)
def _t14(r):
    n, a, p, b, q = _name(r), r.randint(2, 6), r.randint(1, 4), r.randint(2, 6), r.randint(1, 4)
    bill = r.choice((20, 50))
    cost = a * p + b * q
    if cost >= bill:
        return None
    return (f"{n} buys {a} apples at ${p} each and {b} oranges at ${q} each, and pays with a "
            f"${bill} bill. How many dollars of change does {n} get?",
            [f"Apples: {a} x {p} = ${a * p}.", f"Oranges: {b} x {q} = ${b * q}.",
             f"Change: {bill} - {a * p} - {b * q} = ${bill - cost}."], bill - cost)


@template("tank-fill-drain", 3)
def _t15(r):
    a, rate, t, d = r.randint(10, 100), r.randint(2, 9), r.randint(3, 12), r.randint(5, 60)
    filled = a + rate * t
    if d >= filled:
        return None
    return (f"A tank holds {a} liters of water. It is filled at {rate} liters a minute for {t} "
            f"minutes, and then {d} liters are drained. How many liters are in the tank now?",
            [f"It gains {rate} x {t} = {rate * t} liters.", f"Then it holds {a} + {rate * t} = {filled}.",
             f"After draining: {filled} - {d} = {filled - d} liters."], filled - d)


@template("run-weeks", 3)
def _t16(r):
    n, a, b, w = _name(r), r.randint(2, 8), r.randint(3, 15), r.randint(2, 5)
    week = 5 * a + 2 * b
    return (f"{n} runs {a} km on every weekday and {b} km on each day of the weekend. How many km "
            f"does {n} run in {w} weeks?",
            [f"Weekdays: 5 x {a} = {5 * a} km.", f"Weekend: 2 x {b} = {2 * b} km, so {week} km a week.",
             f"In {w} weeks: {week} x {w} = {week * w} km."], week * w)


@template("sale-shirts", 3)
def _t17(r):
    n, p, pct, k = _name(r), 20 * r.randint(1, 5), r.choice((10, 20, 25, 50)), r.randint(2, 5)
    off = p * pct // 100
    price = p - off
    return (f"A shirt costs ${p}. It is on sale at {pct}% off. {n} buys {k} shirts. How many "
            f"dollars does {n} pay?",
            [f"The discount is {pct}% of {p} = ${off}.", f"The sale price is {p} - {off} = ${price}.",
             f"{k} shirts cost {k} x {price} = ${k * price}."], k * price)


@template("stamps-gift-loss", 3)
def _t18(r):
    n = _name(r)
    f, a, b = _name(r, n), r.randint(3, 25), r.randint(1, 20)
    if b >= 4 * a:
        return None
    return (f"{n} has {a} stamps. {f} gives {n} three times as many stamps as {n} has, and then "
            f"{n} loses {b}. How many stamps does {n} have now?",
            [f"{f} gives 3 x {a} = {3 * a} stamps.", f"{n} then has {a} + {3 * a} = {4 * a}.",
             f"After losing {b}: {4 * a} - {b} = {4 * a - b} stamps."], 4 * a - b)


@template("groups-school", 3)
def _t19(r):
    c, s, g = r.randint(2, 6), r.randint(15, 30), r.choice((2, 3, 4, 5, 6))
    total = c * s
    if total % g:
        return None
    return (f"A school has {c} classes of {s} students. For a game the students form groups of "
            f"{g}. How many groups are there?",
            [f"There are {c} x {s} = {total} students.", f"{total} / {g} = {total // g} groups."],
            total // g)


# ---- four steps
@template("split-shopping", 4)
def _t20(r):
    n = _name(r)
    f, a, p, b, q, d = _name(r, n), r.randint(2, 6), r.randint(1, 5), r.randint(1, 4), r.randint(3, 9), r.randint(1, 6)
    total = a * p + b * q - d
    if total <= 0 or total % 2:
        return None
    return (f"Pens cost ${p} each and notebooks ${q} each. {n} buys {a} pens and {b} notebooks and "
            f"gets ${d} off the total. {n} and {f} split the cost evenly. How many dollars does "
            f"each of them pay?",
            [f"Pens: {a} x {p} = ${a * p}.", f"Notebooks: {b} x {q} = ${b * q}.",
             f"After the discount: {a * p} + {b * q} - {d} = ${total}.",
             f"Each pays {total} / 2 = ${total // 2}."], total // 2)


@template("egg-cartons", 4)
def _t21(r):
    a, e, c, p = r.randint(4, 20), r.randint(3, 7), r.choice((6, 10, 12)), r.randint(2, 5)
    eggs = a * e
    m = r.randint(1, eggs // c) if eggs >= c else 0
    kept = eggs - m * c
    if m == 0 or kept <= 0:
        return None
    return (f"A farmer has {a} hens and each lays {e} eggs a week. The farmer keeps {kept} eggs a "
            f"week and sells the rest in cartons of {c} for ${p} a carton. How many dollars does "
            f"the farmer make a week?",
            [f"The hens lay {a} x {e} = {eggs} eggs.", f"{eggs} - {kept} = {eggs - kept} are sold.",
             f"That is {eggs - kept} / {c} = {m} cartons.", f"{m} x {p} = ${m * p}."], m * p)


@template("savings-bike", 4)
def _t22(r):
    n, s, w = _name(r), r.randint(5, 20), r.randint(4, 12)
    b, h, x = r.randint(20, 90), r.randint(5, 20), r.randint(3, 25)
    saved = s * w
    if b + h >= saved:
        return None
    left = saved - b - h + x
    return (f"{n} saves ${s} a week for {w} weeks, then buys a bike for ${b} and a helmet for "
            f"${h}. Later {n} earns ${x} doing chores. How many dollars does {n} have now?",
            [f"{n} saves {s} x {w} = ${saved}.", f"After the bike: {saved} - {b} = ${saved - b}.",
             f"After the helmet: {saved - b} - {h} = ${saved - b - h}.",
             f"With the chores money: {saved - b - h} + {x} = ${left}."], left)


@template("train-seats", 4)
def _t23(r):
    c, s, a, d, e = r.randint(3, 8), r.randint(20, 50), r.randint(20, 80), r.randint(1, 30), r.randint(1, 30)
    seats = c * s
    riders = a - d + e
    if d >= a or riders > seats:
        return None
    return (f"An empty train has {c} cars with {s} seats each. At the first stop {a} people get on. "
            f"At the second stop {d} get off and {e} get on. Everyone sits. How many seats are empty now?",
            [f"The train has {c} x {s} = {seats} seats.", f"After the first stop {a} ride.",
             f"After the second: {a} - {d} + {e} = {riders} ride.",
             f"Empty seats: {seats} - {riders} = {seats - riders}."], seats - riders)


@template("fence-garden", 4)
def _t24(r):
    length, width, p, g = r.randint(4, 20), r.randint(3, 15), r.randint(2, 9), r.randint(10, 60)
    per = 2 * (length + width)
    return (f"A rectangular garden is {length} m long and {width} m wide. Fencing costs ${p} a "
            f"meter, and a gate costs ${g}. How many dollars does it cost to fence the whole "
            f"garden and add a gate?",
            [f"Length plus width: {length} + {width} = {length + width} m.",
             f"The perimeter is 2 x {length + width} = {per} m.",
             f"The fence costs {per} x {p} = ${per * p}.",
             f"With the gate: {per * p} + {g} = ${per * p + g}."], per * p + g)


@template("books-donate-half", 4)
def _t25(r):
    n, a, b, c = _name(r), r.randint(10, 60), r.randint(1, 15), r.randint(1, 20)
    if b >= a or (a - b + c) % 2:
        return None
    mid = a - b + c
    return (f"{n} has {a} books, gives {b} to a friend, buys {c} more, and then donates half of "
            f"the books. How many books does {n} keep?",
            [f"After giving: {a} - {b} = {a - b}.", f"After buying: {a - b} + {c} = {mid}.",
             f"Half of {mid} is {mid // 2}.", f"{n} keeps {mid // 2} books."], mid // 2)


TEMPLATES.sort(key=lambda t: (t.steps, t.id))


def draw(tpl: Template, rng: random.Random, max_tries: int = 1000) -> Problem:
    for _ in range(max_tries):
        out = tpl.draw(rng)
        if out is not None:
            question, lines, answer = out
            return Problem(tpl.id, tpl.steps, question, " ".join(lines), answer)
    raise RuntimeError(f"template {tpl.id} rejected {max_tries} draws in a row")


def generate(n: int, seed: int) -> list[Problem]:
    """n problems, round-robin over templates from one step to four, deterministic in seed."""
    rng = random.Random(seed)
    return [draw(TEMPLATES[i % len(TEMPLATES)], rng) for i in range(n)]
