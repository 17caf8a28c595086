# ---------------------------------------------------------------- four steps
== split-shopping (4 steps)
Q: At a shop, {item1} cost ${p} each and {item2} ${q} each. {n} buys {a} {item1} and {b} {item2} and
    gets ${d} off the total. {n} and {f} split the cost evenly. How many dollars does each of them
    pay?
n: name = Sam
f: name = Tariq
item1: object school = pens
item2: object school = notebooks
a: int 2..6 = 4
p: int 1..5 = 2
b: int 1..4 = 3
q: int 3..9 = 5
d: int 1..6 = 3
if: a * p + b * q - d > 0
if: divides(a * p + b * q - d, 2)
S: {item1}: {a} x {p} = ${a * p}.
S: {item2}: {b} x {q} = ${b * q}.
S: After the discount: {a * p} + {b * q} - {d} = ${a * p + b * q - d}.
S: Each pays {a * p + b * q - d} / 2 = ${(a * p + b * q - d) / 2}.
A: (a * p + b * q - d) / 2
R: At a shop, pens cost $2 each and notebooks $5 each. Sam buys 4 pens and 3 notebooks and gets $3
    off the total. Sam and Tariq split the cost evenly. How many dollars does each of them pay? ####
    10

== egg-cartons (4 steps)
Q: A farmer has {h} hens and each lays {e} eggs a week. The farmer keeps {k} eggs a week and sells
    the rest in cartons of {c} for ${p} a carton. How many dollars does the farmer make a week?
h: int 4..20 = 10
e: int 3..7 = 5
c: choice 6 | 10 | 12 = 6
k: int 2..30 = 8
p: int 2..5 = 3
if: k < h * e
if: divides(h * e - k, c)
S: The hens lay {h} x {e} = {h * e} eggs.
S: {h * e} - {k} = {h * e - k} are sold.
S: That is {h * e - k} / {c} = {(h * e - k) / c} cartons.
S: {(h * e - k) / c} x {p} = ${(h * e - k) / c * p}.
A: (h * e - k) / c * p
R: A farmer has 10 hens and each lays 5 eggs a week. The farmer keeps 8 eggs a week and sells the
    rest in cartons of 6 for $3 a carton. How many dollars does the farmer make a week? #### 21

== savings-bike (4 steps)
Q: {n} saves ${s} a week for {w} weeks, then buys a bike for ${b} and a helmet for ${h}. Later {n}
    earns ${x} doing chores. How many dollars does {n} have now?
n: name = Uma
s: int 5..20 = 15
w: int 4..12 = 10
b: int 20..90 = 80
h: int 5..20 = 15
x: int 3..25 = 12
if: b + h < s * w
S: {n} saves {s} x {w} = ${s * w}.
S: After the bike: {s * w} - {b} = ${s * w - b}.
S: After the helmet: {s * w - b} - {h} = ${s * w - b - h}.
S: With the chores money: {s * w - b - h} + {x} = ${s * w - b - h + x}.
A: s * w - b - h + x
R: Uma saves $15 a week for 10 weeks, then buys a bike for $80 and a helmet for $15. Later Uma earns
    $12 doing chores. How many dollars does Uma have now? #### 67

== train-seats (4 steps)
Q: An empty train has {c} cars with {s} seats each. At the first stop {a} people get on. At the
    second stop {d} get off and {e} get on. Everyone sits. How many seats are empty now?
c: int 3..8 = 4
s: int 20..50 = 30
a: int 20..80 = 50
d: int 1..30 = 12
e: int 1..30 = 20
if: d < a
if: a - d + e <= c * s
S: The train has {c} x {s} = {c * s} seats.
S: After the second stop {a} - {d} = {a - d} are left of the first riders.
S: With the new riders: {a - d} + {e} = {a - d + e} ride.
S: Empty seats: {c * s} - {a - d + e} = {c * s - (a - d + e)}.
A: c * s - (a - d + e)
R: An empty train has 4 cars with 30 seats each. At the first stop 50 people get on. At the second
    stop 12 get off and 20 get on. Everyone sits. How many seats are empty now? #### 62

== fence-garden (4 steps)
Q: A rectangular garden is {l} m long and {w} m wide. Fencing costs ${p} a meter, and a gate costs
    ${g}. How many dollars does it cost to fence the whole garden and add a gate?
l: int 4..20 = 12
w: int 3..15 = 8
p: int 2..9 = 5
g: int 10..60 = 30
S: Length plus width: {l} + {w} = {l + w} m.
S: The perimeter is 2 x {l + w} = {2 * (l + w)} m.
S: The fence costs {2 * (l + w)} x {p} = ${2 * (l + w) * p}.
S: With the gate: {2 * (l + w) * p} + {g} = ${2 * (l + w) * p + g}.
A: 2 * (l + w) * p + g
R: A rectangular garden is 12 m long and 8 m wide. Fencing costs $5 a meter, and a gate costs $30.
    How many dollars does it cost to fence the whole garden and add a gate? #### 230

== books-donate-half (4 steps)
Q: {n} has {a} {book}, gives {b} to a friend, buys {c} more, and then donates half of the {book}.
    How many {book} does {n} keep?
n: name = Victor
book: object book = books
a: int 10..60 = 40
b: int 1..15 = 6
c: int 1..20 = 10
if: b < a
if: divides(a - b + c, 2)
S: After giving: {a} - {b} = {a - b}.
S: After buying: {a - b} + {c} = {a - b + c}.
S: Half of {a - b + c} is {a - b + c} / 2 = {(a - b + c) / 2}.
S: {n} keeps {(a - b + c) / 2} {book}.
A: (a - b + c) / 2
R: Victor has 40 books, gives 6 to a friend, buys 10 more, and then donates half of the books. How
    many books does Victor keep? #### 22

== lemonade-profit (4 steps)
Q: {n} sells {c} cups of lemonade at ${p} each on Saturday and {d} cups on Sunday. The lemons and
    sugar cost ${k}. How many dollars of profit does {n} make?
n: name = Wendy
c: int 10..40 = 20
d: int 5..40 = 15
p: int 1..4 = 2
k: int 5..30 = 18
if: k < (c + d) * p
S: Cups sold: {c} + {d} = {c + d}.
S: Sales: {c + d} x {p} = ${(c + d) * p}.
S: Profit: {(c + d) * p} - {k} = ${(c + d) * p - k}.
S: So {n} makes {(c + d) * p - k} dollars of profit.
A: (c + d) * p - k
R: Wendy sells 20 cups of lemonade at $2 each on Saturday and 15 cups on Sunday. The lemons and
    sugar cost $18. How many dollars of profit does Wendy make? #### 52

== library-fines (4 steps)
Q: A library charges ${f} a day for each late book. {n} returns {b} {book} {d} days late and pays
    with a ${bill} bill. How many dollars of change does {n} get?
n: name = Xavier
book: object book = books
f: int 1..3 = 1
b: int 2..5 = 3
d: int 2..9 = 4
bill: choice 20 | 50 | 100 = 20
if: f * b * d < bill
S: One book costs {f} x {d} = ${f * d} in fines.
S: {b} books cost {b} x {f * d} = ${b * f * d}.
S: The change is {bill} - {b * f * d} = ${bill - b * f * d}.
S: {n} gets {bill - b * f * d} dollars back.
A: bill - b * f * d
R: A library charges $1 a day for each late book. Xavier returns 3 books 4 days late and pays with a
    $20 bill. How many dollars of change does Xavier get? #### 8

== juice-bottles (4 steps)
Q: A machine fills {r} bottles a minute. It runs for {m} minutes in the morning and {a} minutes in
    the afternoon. The bottles are packed {k} to a crate. How many crates are packed?
r: int 2..12 = 6
m: int 10..40 = 20
a: int 10..40 = 30
k: choice 6 | 10 | 12 | 20 = 12
if: divides(r * (m + a), k)
S: It runs {m} + {a} = {m + a} minutes.
S: It fills {r} x {m + a} = {r * (m + a)} bottles.
S: That is {r * (m + a)} / {k} = {r * (m + a) / k} crates.
S: So {r * (m + a) / k} crates are packed.
A: r * (m + a) / k
R: A machine fills 6 bottles a minute. It runs for 20 minutes in the morning and 30 minutes in the
    afternoon. The bottles are packed 12 to a crate. How many crates are packed? #### 25

== marathon-training (4 steps)
Q: {n} runs {a} {u} on Monday, {a + b} {u} on Wednesday and twice the Monday distance on Friday. How
    many {u} does {n} run in {w} such weeks?
n: name = Yara
u: unit length = km
a: int 2..10 = 5
b: int 1..5 = 2
w: int 2..6 = 3
S: Friday: 2 x {a} = {2 * a} {u}.
S: One week: {a} + {a + b} = {2 * a + b}, then {2 * a + b} + {2 * a} = {4 * a + b} {u}.
S: In {w} weeks: {4 * a + b} x {w} = {(4 * a + b) * w} {u}.
S: {n} runs {(4 * a + b) * w} {u}.
A: (4 * a + b) * w
R: Yara runs 5 km on Monday, 7 km on Wednesday and twice the Monday distance on Friday. How many km
    does Yara run in 3 such weeks? #### 66

== cinema-snacks (4 steps)
Q: {k} friends go to the cinema. Each ticket costs ${t}, each popcorn ${p}, and they share {d}
    drinks at ${q} each. How many dollars do they spend?
k: int 2..6 = 4
t: int 6..14 = 9
p: int 3..7 = 4
d: int 1..4 = 2
q: int 2..5 = 3
S: Tickets: {k} x {t} = ${k * t}.
S: Popcorn: {k} x {p} = ${k * p}.
S: Drinks: {d} x {q} = ${d * q}.
S: In all: {k * t} + {k * p} + {d * q} = ${k * t + k * p + d * q}.
A: k * t + k * p + d * q
R: 4 friends go to the cinema. Each ticket costs $9, each popcorn $4, and they share 2 drinks at $3
    each. How many dollars do they spend? #### 58

== paint-walls (4 steps)
Q: A room has 4 walls, each {l} m long and {h} m high. One can of paint covers {c} square meters. A
    can costs ${p}. How many dollars does the paint for the room cost?
l: int 3..8 = 5
h: int 2..4 = 3
c: choice 5 | 10 | 12 | 15 = 10
p: int 8..30 = 20
if: divides(4 * l * h, c)
S: One wall is {l} x {h} = {l * h} square meters.
S: Four walls: 4 x {l * h} = {4 * l * h} square meters.
S: That needs {4 * l * h} / {c} = {4 * l * h / c} cans.
S: The paint costs {4 * l * h / c} x {p} = ${4 * l * h / c * p}.
A: 4 * l * h / c * p
R: A room has 4 walls, each 5 m long and 3 m high. One can of paint covers 10 square meters. A can
    costs $20. How many dollars does the paint for the room cost? #### 120
