# ---------------------------------------------------------------- five steps
== bakery-week (5 steps)
Q: A bakery bakes {a} {food} every weekday and {b} on each weekend day. It sells all but {s} of them
    in a week, at ${p} each. How many dollars does it make in a week?
food: object baked = bagels
a: int 20..60 = 40
b: int 10..40 = 25
s: int 1..30 = 10
p: int 1..4 = 2
if: s < 5 * a + 2 * b
S: Weekdays: 5 x {a} = {5 * a}.
S: Weekend: 2 x {b} = {2 * b}.
S: In a week: {5 * a} + {2 * b} = {5 * a + 2 * b} {food}.
S: Sold: {5 * a + 2 * b} - {s} = {5 * a + 2 * b - s}.
S: Money: {5 * a + 2 * b - s} x {p} = ${(5 * a + 2 * b - s) * p}.
A: (5 * a + 2 * b - s) * p
R: A bakery bakes 40 bagels every weekday and 25 on each weekend day. It sells all but 10 of them in
    a week, at $2 each. How many dollars does it make in a week? #### 480

== school-supplies (5 steps)
Q: {n} buys {a} {item1} at ${p} each, {b} {item2} at ${q} each and a bag for ${g}. A coupon takes
    ${d} off. {n} pays with a ${bill} bill. How many dollars of change does {n} get?
n: name = Zane
item1: object school = pencils
item2: object school = folders
a: int 2..8 = 5
p: int 1..3 = 1
b: int 2..6 = 3
q: int 2..6 = 4
g: int 10..30 = 15
d: int 2..8 = 5
bill: choice 50 | 100 = 50
if: a * p + b * q + g - d < bill
S: {item1}: {a} x {p} = ${a * p}.
S: {item2}: {b} x {q} = ${b * q}.
S: With the bag: {a * p} + {b * q} + {g} = ${a * p + b * q + g}.
S: After the coupon: {a * p + b * q + g} - {d} = ${a * p + b * q + g - d}.
S: Change: {bill} - {a * p + b * q + g - d} = ${bill - (a * p + b * q + g - d)}.
A: bill - (a * p + b * q + g - d)
R: Zane buys 5 pencils at $1 each, 3 folders at $4 each and a bag for $15. A coupon takes $5 off.
    Zane pays with a $50 bill. How many dollars of change does Zane get? #### 23

== orchard-harvest (5 steps)
Q: An orchard has {r} rows of {t} trees. Each tree gives {f} {fruit}. {bad} {fruit} are bruised and
    thrown out, and the rest are packed in boxes of {k} that sell for ${p} each. How many dollars do
    the boxes bring in?
fruit: object fruit = peaches
r: int 2..6 = 4
t: int 3..10 = 5
f: int 5..20 = 10
bad: int 1..40 = 20
k: choice 10 | 12 | 20 | 25 = 20
p: int 5..15 = 8
if: bad < r * t * f
if: divides(r * t * f - bad, k)
S: Trees: {r} x {t} = {r * t}.
S: {fruit}: {r * t} x {f} = {r * t * f}.
S: Kept: {r * t * f} - {bad} = {r * t * f - bad}.
S: Boxes: {r * t * f - bad} / {k} = {(r * t * f - bad) / k}.
S: Money: {(r * t * f - bad) / k} x {p} = ${(r * t * f - bad) / k * p}.
A: (r * t * f - bad) / k * p
R: An orchard has 4 rows of 5 trees. Each tree gives 10 peaches. 20 peaches are bruised and thrown
    out, and the rest are packed in boxes of 20 that sell for $8 each. How many dollars do the boxes
    bring in? #### 72

== road-trip-fuel (5 steps)
Q: A car uses 1 liter of fuel every {e} {u}. A trip is {d} {u} each way. Fuel costs ${p} a liter,
    and parking costs ${k}. How many dollars does the round trip cost?
u: unit length = km
e: int 8..20 = 10
d: int 40..300 step 10 = 150
p: int 1..3 = 2
k: int 5..30 = 10
if: divides(2 * d, e)
S: The round trip is 2 x {d} = {2 * d} {u}.
S: It uses {2 * d} / {e} = {2 * d / e} liters.
S: Fuel costs {2 * d / e} x {p} = ${2 * d / e * p}.
S: With parking: {2 * d / e * p} + {k} = ${2 * d / e * p + k}.
S: The trip costs {2 * d / e * p + k} dollars.
A: 2 * d / e * p + k
R: A car uses 1 liter of fuel every 10 km. A trip is 150 km each way. Fuel costs $2 a liter, and
    parking costs $10. How many dollars does the round trip cost? #### 70

== concert-chairs (5 steps)
Q: A hall has {r} rows of {s} seats. {v} seats are reserved for guests. Tickets for the other seats
    cost ${p} each, and {u} of those seats stay unsold. How many dollars do the ticket sales bring
    in?
r: int 5..20 = 10
s: int 10..30 = 20
v: int 5..30 = 15
u: int 1..20 = 5
p: int 5..20 = 10
if: v + u < r * s
S: Seats: {r} x {s} = {r * s}.
S: For sale: {r * s} - {v} = {r * s - v}.
S: Sold: {r * s - v} - {u} = {r * s - v - u}.
S: Sales: {r * s - v - u} x {p} = ${(r * s - v - u) * p}.
S: The sales bring in {(r * s - v - u) * p} dollars.
A: (r * s - v - u) * p
R: A hall has 10 rows of 20 seats. 15 seats are reserved for guests. Tickets for the other seats
    cost $10 each, and 5 of those seats stay unsold. How many dollars do the ticket sales bring in?
    #### 1800

== aquarium-fish (5 steps)
Q: {n} has {a} goldfish and {b} guppies. {n} buys twice as many goldfish as {n} has, then gives away
    {g} guppies. Each fish eats {f} grams of food a day. How many grams of food do the fish eat in a
    week?
n: name = Amir
a: int 2..10 = 3
b: int 3..15 = 8
g: int 1..10 = 2
f: int 2..4 = 2
if: g < b
S: New goldfish: 2 x {a} = {2 * a}, so {a} + {2 * a} = {3 * a} goldfish.
S: Guppies left: {b} - {g} = {b - g}.
S: Fish: {3 * a} + {b - g} = {3 * a + b - g}.
S: Food a day: {3 * a + b - g} x {f} = {(3 * a + b - g) * f} grams.
S: In a week: {(3 * a + b - g) * f} x 7 = {(3 * a + b - g) * f * 7} grams.
A: (3 * a + b - g) * f * 7
R: Amir has 3 goldfish and 8 guppies. Amir buys twice as many goldfish as Amir has, then gives away
    2 guppies. Each fish eats 2 grams of food a day. How many grams of food do the fish eat in a
    week? #### 210

== phone-plan (5 steps)
Q: A phone plan costs ${m} a month plus ${c} for every gigabyte over {g} gigabytes. {n} uses {u}
    gigabytes a month. How many dollars does {n} pay for {k} months?
n: name = Bella
m: int 10..40 = 25
c: int 2..8 = 5
g: int 2..10 = 5
u: int 3..20 = 8
k: int 2..12 = 6
if: u > g
S: Extra gigabytes: {u} - {g} = {u - g}.
S: Extra charge: {u - g} x {c} = ${(u - g) * c}.
S: One month: {m} + {(u - g) * c} = ${m + (u - g) * c}.
S: {k} months: {m + (u - g) * c} x {k} = ${(m + (u - g) * c) * k}.
S: {n} pays {(m + (u - g) * c) * k} dollars.
A: (m + (u - g) * c) * k
R: A phone plan costs $25 a month plus $5 for every gigabyte over 5 gigabytes. Bella uses 8
    gigabytes a month. How many dollars does Bella pay for 6 months? #### 240

== stickers-share (5 steps)
Q: {n} has {a} {coll}, buys {p} packs of {k}, and gets {g} from {f}. {n} keeps {x} and shares the
    rest equally among {s} friends. How many {coll} does each friend get?
n: name = Carlos
f: name = Dana
coll: object collect = cards
a: int 5..30 = 12
p: int 2..5 = 3
k: int 4..12 = 6
g: int 2..15 = 8
x: int 2..10 = 6
s: int 2..6 = 4
if: x < a + p * k + g
if: divides(a + p * k + g - x, s)
S: The packs hold {p} x {k} = {p * k}.
S: With the packs: {a} + {p * k} = {a + p * k}.
S: With the gift: {a + p * k} + {g} = {a + p * k + g}.
S: To share: {a + p * k + g} - {x} = {a + p * k + g - x}.
S: Each friend gets {a + p * k + g - x} / {s} = {(a + p * k + g - x) / s}.
A: (a + p * k + g - x) / s
R: Carlos has 12 cards, buys 3 packs of 6, and gets 8 from Dana. Carlos keeps 6 and shares the rest
    equally among 4 friends. How many cards does each friend get? #### 8

== farm-feed (5 steps)
Q: A farm has {a} {x} and {b} {y}. Each of the {x} eats {p} kg of hay a day and each of the {y} eats
    {q} kg. Hay comes in bales of {k} kg. How many bales does the farm need for {d} days?
x: object animal = cows
y: object animal = goats
a: int 2..10 = 4
b: int 2..12 = 6
p: int 5..12 = 10
q: int 1..4 = 2
k: choice 10 | 20 | 25 = 20
d: int 2..10 = 5
if: divides((a * p + b * q) * d, k)
S: {x}: {a} x {p} = {a * p} kg a day.
S: {y}: {b} x {q} = {b * q} kg a day.
S: Together: {a * p} + {b * q} = {a * p + b * q} kg a day.
S: In {d} days: {a * p + b * q} x {d} = {(a * p + b * q) * d} kg.
S: Bales: {(a * p + b * q) * d} / {k} = {(a * p + b * q) * d / k}.
A: (a * p + b * q) * d / k
R: A farm has 4 cows and 6 goats. Each of the cows eats 10 kg of hay a day and each of the goats
    eats 2 kg. Hay comes in bales of 20 kg. How many bales does the farm need for 5 days? #### 13

# ---------------------------------------------------------------- six steps
== fundraiser (6 steps)
Q: A class sells {c} {food} at ${p} each and {t} raffle tickets at ${r} each. Ingredients cost ${k}.
    The class splits the profit equally between {g} charities and adds ${x} to each share. How many
    dollars does each charity get?
food: object baked = cupcakes
c: int 20..80 = 40
p: int 1..4 = 2
t: int 10..60 = 30
r: int 1..5 = 3
k: int 10..50 = 20
g: int 2..5 = 3
x: int 5..20 = 10
if: k < c * p + t * r
if: divides(c * p + t * r - k, g)
S: {food}: {c} x {p} = ${c * p}.
S: Raffle: {t} x {r} = ${t * r}.
S: Sales: {c * p} + {t * r} = ${c * p + t * r}.
S: Profit: {c * p + t * r} - {k} = ${c * p + t * r - k}.
S: A share: {c * p + t * r - k} / {g} = ${(c * p + t * r - k) / g}.
S: With the extra: {(c * p + t * r - k) / g} + {x} = ${(c * p + t * r - k) / g + x}.
A: (c * p + t * r - k) / g + x
R: A class sells 40 cupcakes at $2 each and 30 raffle tickets at $3 each. Ingredients cost $20. The
    class splits the profit equally between 3 charities and adds $10 to each share. How many dollars
    does each charity get? #### 60

== moving-boxes (6 steps)
Q: {n} packs {a} boxes of {book}, {b} boxes of dishes and {c} boxes of clothes. A van carries {k}
    boxes a trip, and each trip takes {m} minutes. {n} also spends {s} minutes loading. How many
    minutes does the move take?
n: name = Ava
book: object book = books
a: int 2..15 = 6
b: int 2..15 = 8
c: int 2..15 = 10
k: choice 4 | 6 | 8 | 12 = 8
m: int 10..40 = 30
s: int 5..30 = 15
if: divides(a + b + c, k)
S: Boxes: {a} + {b} = {a + b}.
S: With clothes: {a + b} + {c} = {a + b + c}.
S: Trips: {a + b + c} / {k} = {(a + b + c) / k}.
S: Driving: {(a + b + c) / k} x {m} = {(a + b + c) / k * m} minutes.
S: With loading: {(a + b + c) / k * m} + {s} = {(a + b + c) / k * m + s} minutes.
S: The move takes {(a + b + c) / k * m + s} minutes.
A: (a + b + c) / k * m + s
R: Ava packs 6 boxes of books, 8 boxes of dishes and 10 boxes of clothes. A van carries 8 boxes a
    trip, and each trip takes 30 minutes. Ava also spends 15 minutes loading. How many minutes does
    the move take? #### 105

== holiday-budget (6 steps)
Q: {n} has ${b} for a {d}-day trip. The hotel costs ${h} a night for {d - 1} nights, meals cost ${m}
    a day, and a museum pass costs ${p}. How many dollars does {n} have left?
n: name = Ben
b: int 300..900 step 50 = 600
d: int 2..7 = 4
h: int 40..120 step 5 = 80
m: int 10..40 = 25
p: int 10..40 = 20
if: h * (d - 1) + m * d + p < b
S: Nights: {d} - 1 = {d - 1}.
S: Hotel: {d - 1} x {h} = ${(d - 1) * h}.
S: Meals: {d} x {m} = ${d * m}.
S: Costs: {(d - 1) * h} + {d * m} = ${(d - 1) * h + d * m}.
S: With the pass: {(d - 1) * h + d * m} + {p} = ${(d - 1) * h + d * m + p}.
S: Left: {b} - {(d - 1) * h + d * m + p} = ${b - ((d - 1) * h + d * m + p)}.
A: b - ((d - 1) * h + d * m + p)
R: Ben has $600 for a 4-day trip. The hotel costs $80 a night for 3 nights, meals cost $25 a day,
    and a museum pass costs $20. How many dollars does Ben have left? #### 240

== factory-shifts (6 steps)
Q: A factory makes {a} {toy} an hour in the day shift and {b} an hour in the night shift. Each shift
    is {h} hours. In one day {r} {toy} fail the check. The rest are packed {k} to a box. How many
    boxes does it fill in {d} days?
toy: object toy = puzzles
a: int 10..40 = 20
b: int 5..30 = 15
h: int 6..10 = 8
r: int 1..40 = 30
k: choice 5 | 10 | 25 | 50 = 25
d: int 2..5 = 3
if: r < (a + b) * h
if: divides((a + b) * h - r, k)
S: Day shift: {a} x {h} = {a * h}.
S: Night shift: {b} x {h} = {b * h}.
S: One day: {a * h} + {b * h} = {(a + b) * h}.
S: Passing: {(a + b) * h} - {r} = {(a + b) * h - r}.
S: Boxes a day: {(a + b) * h - r} / {k} = {((a + b) * h - r) / k}.
S: In {d} days: {((a + b) * h - r) / k} x {d} = {((a + b) * h - r) / k * d} boxes.
A: ((a + b) * h - r) / k * d
R: A factory makes 20 puzzles an hour in the day shift and 15 an hour in the night shift. Each shift
    is 8 hours. In one day 30 puzzles fail the check. The rest are packed 25 to a box. How many
    boxes does it fill in 3 days? #### 30

== garden-party (6 steps)
Q: {n} invites {g} guests to a party. Each guest eats {s} {snack}, and {n} wants {x} spare ones. The
    {snack} come in trays of {k}, and a tray costs ${p}. {n} pays with a ${bill} bill. How many
    dollars of change does {n} get?
n: name = Chloe
snack: object snack = sandwiches
g: int 5..20 = 10
s: int 2..4 = 3
x: int 1..10 = 6
k: choice 6 | 8 | 12 = 12
p: int 5..15 = 10
bill: choice 50 | 100 | 200 = 100
if: divides(g * s + x, k)
if: (g * s + x) / k * p < bill
S: Eaten: {g} x {s} = {g * s}.
S: With spares: {g * s} + {x} = {g * s + x}.
S: Trays: {g * s + x} / {k} = {(g * s + x) / k}.
S: Cost: {(g * s + x) / k} x {p} = ${(g * s + x) / k * p}.
S: Change: {bill} - {(g * s + x) / k * p} = ${bill - (g * s + x) / k * p}.
S: {n} gets {bill - (g * s + x) / k * p} dollars back.
A: bill - (g * s + x) / k * p
R: Chloe invites 10 guests to a party. Each guest eats 3 sandwiches, and Chloe wants 6 spare ones.
    The sandwiches come in trays of 12, and a tray costs $10. Chloe pays with a $100 bill. How many
    dollars of change does Chloe get? #### 70

== bike-shop (6 steps)
Q: A shop sells {a} bikes at ${p} each and {b} helmets at ${q} each. It pays ${r} in rent and ${w}
    in wages, and saves a third of what is left. How many dollars does it save?
a: int 2..10 = 5
p: int 100..300 step 10 = 200
b: int 2..15 = 6
q: int 20..60 step 5 = 30
r: int 100..400 step 10 = 320
w: int 100..400 step 10 = 200
if: r + w < a * p + b * q
if: divides(a * p + b * q - r - w, 3)
S: Bikes: {a} x {p} = ${a * p}.
S: Helmets: {b} x {q} = ${b * q}.
S: Sales: {a * p} + {b * q} = ${a * p + b * q}.
S: After rent: {a * p + b * q} - {r} = ${a * p + b * q - r}.
S: After wages: {a * p + b * q - r} - {w} = ${a * p + b * q - r - w}.
S: Saved: {a * p + b * q - r - w} / 3 = ${(a * p + b * q - r - w) / 3}.
A: (a * p + b * q - r - w) / 3
R: A shop sells 5 bikes at $200 each and 6 helmets at $30 each. It pays $320 in rent and $200 in
    wages, and saves a third of what is left. How many dollars does it save? #### 220

== reading-challenge (6 steps)
Q: {n} reads {a} pages a day on weekdays and {b} pages a day on weekends. After {w} weeks, {n} has
    read {x} pages fewer than {f}, who reads the same book. The book has {t} pages. How many pages
    does {f} have left to read?
n: name = Diego
f: name = Emma
a: int 5..30 = 10
b: int 10..40 = 20
w: int 1..4 = 2
x: int 1..20 = 5
t: int 200..600 step 10 = 400
if: (5 * a + 2 * b) * w + x < t
S: Weekdays: 5 x {a} = {5 * a} pages.
S: Weekends: 2 x {b} = {2 * b} pages.
S: A week: {5 * a} + {2 * b} = {5 * a + 2 * b} pages.
S: {n} reads {5 * a + 2 * b} x {w} = {(5 * a + 2 * b) * w} pages.
S: {f} has read {(5 * a + 2 * b) * w} + {x} = {(5 * a + 2 * b) * w + x} pages.
S: {f} has {t} - {(5 * a + 2 * b) * w + x} = {t - ((5 * a + 2 * b) * w + x)} pages left.
A: t - ((5 * a + 2 * b) * w + x)
R: Diego reads 10 pages a day on weekdays and 20 pages a day on weekends. After 2 weeks, Diego has
    read 5 pages fewer than Emma, who reads the same book. The book has 400 pages. How many pages
    does Emma have left to read? #### 215

== bus-route (6 steps)
Q: A bus starts with {a} riders. At the first stop {b} get off and {c} get on. At the second stop
    half of the riders get off. At the third stop {d} get on. Each rider paid ${p}. How many dollars
    did the riders on the bus now pay?
a: int 10..40 = 20
b: int 1..10 = 4
c: int 1..20 = 10
d: int 1..15 = 5
p: int 1..4 = 2
if: b < a
if: divides(a - b + c, 2)
S: After some get off: {a} - {b} = {a - b}.
S: After some get on: {a - b} + {c} = {a - b + c}.
S: Half get off: {a - b + c} / 2 = {(a - b + c) / 2}.
S: After the third stop: {(a - b + c) / 2} + {d} = {(a - b + c) / 2 + d}.
S: They paid {(a - b + c) / 2 + d} x {p} = ${((a - b + c) / 2 + d) * p}.
S: So the riders paid {((a - b + c) / 2 + d) * p} dollars.
A: ((a - b + c) / 2 + d) * p
R: A bus starts with 20 riders. At the first stop 4 get off and 10 get on. At the second stop half
    of the riders get off. At the third stop 5 get on. Each rider paid $2. How many dollars did the
    riders on the bus now pay? #### 36
