# ---------------------------------------------------------------- one step
== add-marbles (1 step)
Q: {n} has {a} {toy} and finds {b} more. How many {toy} does {n} have now?
n: name = Ava
toy: object toy = marbles
a: int 3..40 = 12
b: int 2..30 = 5
S: {n} has {a} + {b} = {a + b} {toy}.
A: a + b
R: Ava has 12 marbles and finds 5 more. How many marbles does Ava have now? #### 17

== sub-stickers (1 step)
Q: {n} had {a} {toy} and gave {b} of them away. How many {toy} does {n} have left?
n: name = Ben
toy: object toy = stickers
a: int 10..60 = 34
b: int 2..30 = 9
if: b < a
S: {n} has {a} - {b} = {a - b} {toy} left.
A: a - b
R: Ben had 34 stickers and gave 9 of them away. How many stickers does Ben have left? #### 25

== mul-pencils (1 step)
Q: A box holds {a} {item}. How many {item} are there in {b} boxes?
item: object school = pencils
a: int 2..12 = 8
b: int 2..9 = 6
S: {b} boxes hold {b} x {a} = {a * b} {item}.
A: a * b
R: A box holds 8 pencils. How many pencils are there in 6 boxes? #### 48

== div-cookies (1 step)
Q: {n} shares {each * k} {food} equally among {k} friends. How many {food} does each friend get?
n: name = Chloe
food: object baked = cookies
each: int 2..9 = 7
k: int 2..8 = 4
S: Each friend gets {each * k} / {k} = {each} {food}.
A: each
R: Chloe shares 28 cookies equally among 4 friends. How many cookies does each friend get? #### 7

== add-farm (1 step)
Q: A farm has {a} {x} and {b} {y}. How many animals are on the farm altogether?
x: object animal = cows
y: object animal = sheep
a: int 5..50 = 23
b: int 5..50 = 18
S: There are {a} + {b} = {a + b} animals.
A: a + b
R: A farm has 23 cows and 18 sheep. How many animals are on the farm altogether? #### 41

== sub-ribbon (1 step)
Q: A ribbon is {a} {u} long. {n} cuts off {b} {u}. How long is the ribbon now, in {u}?
n: name = Diego
u: unit short = cm
a: int 30..120 = 75
b: int 5..40 = 28
if: b < a
S: The ribbon is {a} - {b} = {a - b} {u} long.
A: a - b
R: A ribbon is 75 cm long. Diego cuts off 28 cm. How long is the ribbon now, in cm? #### 47

== legs-chairs (1 step)
Q: A chair has 4 legs. How many legs do {c} chairs have?
c: int 3..40 = 13
S: {c} chairs have {c} x 4 = {4 * c} legs.
A: 4 * c
R: A chair has 4 legs. How many legs do 13 chairs have? #### 52

== bus-riders (1 step)
Q: A bus had {a} riders. At a stop, {b} more people got on. How many riders are on the bus now?
a: int 5..45 = 17
b: int 2..25 = 8
S: There are {a} + {b} = {a + b} riders.
A: a + b
R: A bus had 17 riders. At a stop, 8 more people got on. How many riders are on the bus now? #### 25

== rows-trees (1 step)
Q: An orchard has {r} rows with {t} trees in each row. How many trees are in the orchard?
r: int 3..15 = 7
t: int 4..20 = 9
S: There are {r} x {t} = {r * t} trees.
A: r * t
R: An orchard has 7 rows with 9 trees in each row. How many trees are in the orchard? #### 63

== split-team (1 step)
Q: {p * g} children are split into {g} equal teams. How many children are on each team?
p: int 3..12 = 6
g: int 2..8 = 5
S: Each team has {p * g} / {g} = {p} children.
A: p
R: 30 children are split into 5 equal teams. How many children are on each team? #### 6

# ---------------------------------------------------------------- two steps
== change-notebooks (2 steps)
Q: {n} buys {a} {item} at ${p} each and pays with a ${bill} bill. How many dollars of change does
    {n} get?
n: name = Emma
item: object school = notebooks
a: int 2..6 = 4
p: int 2..9 = 3
bill: choice 20 | 50 | 100 = 20
if: a * p < bill
S: The {item} cost {a} x {p} = ${a * p}.
S: The change is {bill} - {a * p} = ${bill - a * p}.
A: bill - a * p
R: Emma buys 4 notebooks at $3 each and pays with a $20 bill. How many dollars of change does Emma
    get? #### 8

== bakery-left (2 steps)
Q: A bakery makes {a} {food} a day for {d} days and sells {s} of them. How many {food} are left?
food: object baked = muffins
a: int 10..40 = 24
d: int 2..6 = 3
s: int 5..100 = 50
if: s < a * d
S: It makes {a} x {d} = {a * d} {food}.
S: {a * d} - {s} = {a * d - s} {food} are left.
A: a * d - s
R: A bakery makes 24 muffins a day for 3 days and sells 50 of them. How many muffins are left? ####
    22

== twice-pages (2 steps)
Q: {n} reads {a} pages on Monday and twice as many on Tuesday. How many pages does {n} read on the
    two days together?
n: name = Farid
a: int 5..40 = 15
S: On Tuesday {n} reads 2 x {a} = {2 * a} pages.
S: Together: {a} + {2 * a} = {3 * a} pages.
A: 3 * a
R: Farid reads 15 pages on Monday and twice as many on Tuesday. How many pages does Farid read on
    the two days together? #### 45

== free-chairs (2 steps)
Q: A hall has {a} rows of {b} chairs. {c} chairs are taken. How many chairs are free?
a: int 3..12 = 8
b: int 4..15 = 10
c: int 1..100 = 37
if: c < a * b
S: There are {a} x {b} = {a * b} chairs.
S: {a * b} - {c} = {a * b - c} are free.
A: a * b - c
R: A hall has 8 rows of 10 chairs. 37 chairs are taken. How many chairs are free? #### 43

== wage-days (2 steps)
Q: {n} earns ${w} an hour and works {h} hours a day. How many dollars does {n} earn in {d} days?
n: name = Grace
w: int 8..20 = 12
h: int 2..8 = 5
d: int 2..6 = 3
S: In a day {n} earns {w} x {h} = ${w * h}.
S: In {d} days: {w * h} x {d} = ${w * h * d}.
A: w * h * d
R: Grace earns $12 an hour and works 5 hours a day. How many dollars does Grace earn in 3 days? ####
    180

== half-then-lunch (2 steps)
Q: {n} has ${2 * a}. {n} spends half of it on a book and then ${b} on lunch. How many dollars does
    {n} have left?
n: name = Hiro
a: int 10..60 = 30
b: int 2..15 = 7
if: b < a
S: After the book {n} has {2 * a} / 2 = ${a}.
S: After lunch: {a} - {b} = ${a - b}.
A: a - b
R: Hiro has $60. Hiro spends half of it on a book and then $7 on lunch. How many dollars does Hiro
    have left? #### 23

== packs-batteries (2 steps)
Q: A pack of {a} batteries costs ${p}. How many dollars do {a * m} batteries cost?
a: int 2..8 = 4
m: int 2..7 = 3
p: int 3..12 = 5
S: {a * m} batteries are {a * m} / {a} = {m} packs.
S: They cost {m} x {p} = ${m * p}.
A: m * p
R: A pack of 4 batteries costs $5. How many dollars do 12 batteries cost? #### 15

== fruit-baskets-eaten (2 steps)
Q: There are {b} baskets with {f} {fruit} in each. {n} eats {e} of the {fruit}. How many {fruit} are
    left?
n: name = Ines
fruit: object fruit = apples
b: int 2..9 = 5
f: int 3..12 = 6
e: int 1..10 = 4
if: e < b * f
S: There are {b} x {f} = {b * f} {fruit}.
S: {b * f} - {e} = {b * f - e} {fruit} are left.
A: b * f - e
R: There are 5 baskets with 6 apples in each. Ines eats 4 of the apples. How many apples are left?
    #### 26

== tickets-family (2 steps)
Q: An adult ticket costs ${a} and a child ticket costs ${c}. How many dollars do 2 adults and 1
    child pay?
a: int 8..25 = 12
c: int 3..10 = 5
S: Two adults pay 2 x {a} = ${2 * a}.
S: With the child: {2 * a} + {c} = ${2 * a + c}.
A: 2 * a + c
R: An adult ticket costs $12 and a child ticket costs $5. How many dollars do 2 adults and 1 child
    pay? #### 29

== shelves-books (2 steps)
Q: {n} has {s} shelves with {b} {book} on each, and buys {x} more {book}. How many {book} does {n}
    have?
n: name = Jonah
book: object book = books
s: int 2..8 = 4
b: int 5..25 = 12
x: int 2..20 = 7
S: The shelves hold {s} x {b} = {s * b} {book}.
S: With the new ones: {s * b} + {x} = {s * b + x} {book}.
A: s * b + x
R: Jonah has 4 shelves with 12 books on each, and buys 7 more books. How many books does Jonah have?
    #### 55

== speed-distance (2 steps)
Q: A cyclist rides at {v} {u} an hour for {t} hours and then walks {w} {u}. How many {u} does the
    cyclist cover?
u: unit length = km
v: int 8..25 = 15
t: int 2..6 = 3
w: int 1..9 = 2
S: Riding covers {v} x {t} = {v * t} {u}.
S: In all: {v * t} + {w} = {v * t + w} {u}.
A: v * t + w
R: A cyclist rides at 15 km an hour for 3 hours and then walks 2 km. How many km does the cyclist
    cover? #### 47

== coins-jar (2 steps)
Q: {n} puts {a} {coll} in a jar every day for {d} days, then takes out {b}. How many {coll} are in
    the jar?
n: name = Kira
coll: object collect = coins
a: int 2..12 = 5
d: int 3..14 = 7
b: int 1..20 = 6
if: b < a * d
S: {n} puts in {a} x {d} = {a * d} {coll}.
S: After taking some out: {a * d} - {b} = {a * d - b} {coll}.
A: a * d - b
R: Kira puts 5 coins in a jar every day for 7 days, then takes out 6. How many coins are in the jar?
    #### 29

# ---------------------------------------------------------------- three steps
== fruit-change (3 steps)
Q: {n} buys {a} apples at ${p} each and {b} oranges at ${q} each, and pays with a ${bill} bill. How
    many dollars of change does {n} get?
n: name = Liam
a: int 2..6 = 3
p: int 1..4 = 2
b: int 2..6 = 4
q: int 1..4 = 1
bill: choice 20 | 50 = 20
if: a * p + b * q < bill
S: Apples: {a} x {p} = ${a * p}.
S: Oranges: {b} x {q} = ${b * q}.
S: Change: {bill} - {a * p} - {b * q} = ${bill - a * p - b * q}.
A: bill - a * p - b * q
R: Liam buys 3 apples at $2 each and 4 oranges at $1 each, and pays with a $20 bill. How many
    dollars of change does Liam get? #### 10

== tank-fill-drain (3 steps)
Q: A tank holds {a} {u} of water. It is filled at {r} {u} a minute for {t} minutes, and then {d} {u}
    are drained. How many {u} are in the tank now?
u: unit volume = liters
a: int 10..100 = 40
r: int 2..9 = 5
t: int 3..12 = 6
d: int 5..60 = 25
if: d < a + r * t
S: It gains {r} x {t} = {r * t} {u}.
S: Then it holds {a} + {r * t} = {a + r * t} {u}.
S: After draining: {a + r * t} - {d} = {a + r * t - d} {u}.
A: a + r * t - d
R: A tank holds 40 liters of water. It is filled at 5 liters a minute for 6 minutes, and then 25
    liters are drained. How many liters are in the tank now? #### 45

== run-weeks (3 steps)
Q: {n} runs {a} {u} on every weekday and {b} {u} on each day of the weekend. How many {u} does {n}
    run in {w} weeks?
n: name = Maya
u: unit length = km
a: int 2..8 = 3
b: int 3..15 = 6
w: int 2..5 = 4
S: Weekdays: 5 x {a} = {5 * a} {u}.
S: Weekend: 2 x {b} = {2 * b} {u}, so {5 * a} + {2 * b} = {5 * a + 2 * b} {u} a week.
S: In {w} weeks: {5 * a + 2 * b} x {w} = {(5 * a + 2 * b) * w} {u}.
A: (5 * a + 2 * b) * w
R: Maya runs 3 km on every weekday and 6 km on each day of the weekend. How many km does Maya run in
    4 weeks? #### 108

== sale-shirts (3 steps)
Q: A shirt costs ${20 * p}. It is on sale at {pct}% off. {n} buys {k} shirts. How many dollars does
    {n} pay?
n: name = Noah
p: int 1..5 = 2
pct: choice 10 | 20 | 25 | 50 = 25
k: int 2..5 = 3
S: The discount is {pct}% of {20 * p} = ${20 * p * pct / 100}.
S: The sale price is {20 * p} - {20 * p * pct / 100} = ${20 * p - 20 * p * pct / 100}.
S: {k} shirts cost {k} x {20 * p - 20 * p * pct / 100} = ${k * (20 * p - 20 * p * pct / 100)}.
A: k * (20 * p - 20 * p * pct / 100)
R: A shirt costs $40. It is on sale at 25% off. Noah buys 3 shirts. How many dollars does Noah pay?
    #### 90

== stamps-gift-loss (3 steps)
Q: {n} has {a} {coll}. {f} gives {n} three times as many {coll} as {n} has, and then {n} loses {b}.
    How many {coll} does {n} have now?
n: name = Olga
f: name = Priya
coll: object collect = stamps
a: int 3..25 = 10
b: int 1..20 = 7
if: b < 4 * a
S: {f} gives 3 x {a} = {3 * a} {coll}.
S: {n} then has {a} + {3 * a} = {4 * a}.
S: After losing {b}: {4 * a} - {b} = {4 * a - b} {coll}.
A: 4 * a - b
R: Olga has 10 stamps. Priya gives Olga three times as many stamps as Olga has, and then Olga loses
    7. How many stamps does Olga have now? #### 33

== groups-school (3 steps)
Q: A school has {c} classes of {s} students. For a game the students form groups of {g}, and each
    group gets {b} balls. How many balls are needed?
c: int 2..6 = 4
s: int 15..30 = 24
g: choice 2 | 3 | 4 | 6 = 4
b: int 2..3 = 2
if: divides(c * s, g)
S: There are {c} x {s} = {c * s} students.
S: They form {c * s} / {g} = {c * s / g} groups.
S: The groups need {c * s / g} x {b} = {c * s / g * b} balls.
A: c * s / g * b
R: A school has 4 classes of 24 students. For a game the students form groups of 4, and each group
    gets 2 balls. How many balls are needed? #### 48

== party-pizza (3 steps)
Q: {k} friends each eat {e} slices of pizza. A pizza has {s} slices. Each pizza costs ${p}. How many
    dollars do the pizzas cost?
k: int 2..12 = 6
e: int 2..4 = 2
s: choice 4 | 6 | 8 = 4
p: int 8..15 = 10
if: divides(k * e, s)
S: They eat {k} x {e} = {k * e} slices.
S: That is {k * e} / {s} = {k * e / s} pizzas.
S: The pizzas cost {k * e / s} x {p} = ${k * e / s * p}.
A: k * e / s * p
R: 6 friends each eat 2 slices of pizza. A pizza has 4 slices. Each pizza costs $10. How many
    dollars do the pizzas cost? #### 30

== garden-flowers (3 steps)
Q: {n} plants {r} rows of {c} {fl}. A rabbit eats {e} of them, and {n} plants {m} more. How many
    {fl} are there now?
n: name = Quinn
fl: object flower = tulips
r: int 2..9 = 4
c: int 3..12 = 8
e: int 1..15 = 5
m: int 2..20 = 9
if: e < r * c
S: {n} plants {r} x {c} = {r * c} {fl}.
S: After the rabbit: {r * c} - {e} = {r * c - e}.
S: With the new ones: {r * c - e} + {m} = {r * c - e + m} {fl}.
A: r * c - e + m
R: Quinn plants 4 rows of 8 tulips. A rabbit eats 5 of them, and Quinn plants 9 more. How many
    tulips are there now? #### 36

== weekly-savings-gift (3 steps)
Q: {n} saves ${s} every week for {w} weeks. A grandparent then gives {n} twice as much as {n} saved.
    How many dollars does {n} have?
n: name = Rosa
s: int 3..20 = 6
w: int 3..12 = 5
S: {n} saves {s} x {w} = ${s * w}.
S: The gift is 2 x {s * w} = ${2 * s * w}.
S: {n} has {s * w} + {2 * s * w} = ${3 * s * w}.
A: 3 * s * w
R: Rosa saves $6 every week for 5 weeks. A grandparent then gives Rosa twice as much as Rosa saved.
    How many dollars does Rosa have? #### 90

== class-trip (3 steps)
Q: A class of {k} students and 2 teachers goes on a trip. Each ticket costs ${t} and the bus costs
    ${b}. How many dollars does the trip cost in all?
k: int 10..35 = 24
b: int 50..200 step 10 = 120
t: int 3..15 = 8
S: There are {k} + 2 = {k + 2} people.
S: Tickets: {k + 2} x {t} = ${(k + 2) * t}.
S: With the bus: {(k + 2) * t} + {b} = ${(k + 2) * t + b}.
A: (k + 2) * t + b
R: A class of 24 students and 2 teachers goes on a trip. Each ticket costs $8 and the bus costs
    $120. How many dollars does the trip cost in all? #### 328

== crates-spoiled (3 steps)
Q: A shop gets {c} {cont} of {fruit} with {f} in each. {s} {fruit} are spoiled and thrown away. The
    rest go into bags of {g}. How many bags are filled?
cont: object container = crates
fruit: object fruit = oranges
c: int 2..8 = 5
f: int 10..30 = 20
s: int 1..20 = 4
g: choice 4 | 6 | 8 | 12 = 8
if: s < c * f
if: divides(c * f - s, g)
S: The shop gets {c} x {f} = {c * f} {fruit}.
S: After throwing some away: {c * f} - {s} = {c * f - s}.
S: That fills {c * f - s} / {g} = {(c * f - s) / g} bags.
A: (c * f - s) / g
R: A shop gets 5 crates of oranges with 20 in each. 4 oranges are spoiled and thrown away. The rest
    go into bags of 8. How many bags are filled? #### 12
