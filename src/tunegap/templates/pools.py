"""Word pools the templates and perturbations draw from: names, objects, units, number words."""

from __future__ import annotations

NAMES = ("Ava", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonah",
         "Kira", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wendy", "Xavier", "Yara", "Zane", "Amir", "Bella", "Carlos", "Dana")

# Common first names of GSM8K-style problems, so a name swap also works on text problems.
TEXT_NAMES = NAMES + (
    "Janet", "James", "John", "Mary", "Tom", "Sarah", "Mark", "Lisa", "Mike", "Anna", "Jack",
    "Emily", "David", "Jane", "Peter", "Susan", "Paul", "Kelly", "Brian", "Laura", "Kevin",
    "Julia", "Carla", "Tim", "Alice", "Bob", "Carl", "Maria", "Joe", "Jill", "Tony", "Nancy",
    "Eric", "Linda", "Greg", "Amy", "Steve", "Rachel", "Frank", "Helen", "Jerry", "Betty",
    "Randy", "Gary", "Martha", "Henry", "Lucy", "Adam", "Sophie", "Ethan", "Olivia", "Mia")

# Plural nouns by kind; an `object KIND` variable draws from its kind.
OBJECTS: dict[str, tuple[str, ...]] = {
    "fruit": ("apples", "oranges", "pears", "peaches", "plums", "lemons", "mangoes", "kiwis"),
    "toy": ("marbles", "stickers", "toy cars", "yo-yos", "puzzles", "kites", "dolls", "balls"),
    "baked": ("muffins", "cookies", "cupcakes", "bagels", "brownies", "rolls", "scones", "pies"),
    "school": ("pencils", "pens", "notebooks", "erasers", "crayons", "markers", "rulers", "folders"),
    "animal": ("cows", "sheep", "goats", "pigs", "horses", "ducks", "chickens", "llamas"),
    "flower": ("roses", "tulips", "daisies", "lilies", "sunflowers", "orchids", "violets"),
    "collect": ("stamps", "coins", "cards", "shells", "postcards", "badges", "pins", "buttons"),
    "book": ("books", "comics", "magazines", "novels", "albums", "atlases"),
    "vehicle": ("cars", "vans", "trucks", "buses", "bikes", "scooters"),
    "container": ("boxes", "crates", "bags", "baskets", "jars", "bins"),
    "snack": ("sandwiches", "pretzels", "tacos", "burritos", "dumplings", "wraps"),
}

# Units by kind; a `unit KIND` variable draws from its kind (answers never depend on the unit).
UNITS: dict[str, tuple[str, ...]] = {
    "length": ("km", "miles"),
    "short": ("cm", "inches"),
    "volume": ("liters", "gallons"),
    "weight": ("kg", "pounds"),
    "money": ("dollars", "euros"),
}

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_to_words(n: int) -> str:
    """English words for 0 <= n < 1,000,000 ("forty-two", "three hundred five")."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"no words for {n}")
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else "-" + ONES[n % 10])
    if n < 1000:
        rest = "" if n % 100 == 0 else " " + number_to_words(n % 100)
        return ONES[n // 100] + " hundred" + rest
    rest = "" if n % 1000 == 0 else " " + number_to_words(n % 1000)
    return number_to_words(n // 1000) + " thousand" + rest


WORD_VALUES: dict[str, int] = {number_to_words(n): n for n in range(0, 100)}

# Irrelevant sentences for the distractor kind: {who} is a name, {n} the fresh number. Each
# names its topic word so a sentence is never used when the problem mentions that word.
DISTRACTORS: tuple[tuple[str, str], ...] = (
    ("cousins", "{who} has {n} cousins who live in another town."),
    ("houseplants", "{who}'s neighbour keeps {n} houseplants on the balcony."),
    ("years", "The library on the corner is {n} years old."),
    ("lamp posts", "The street outside has {n} lamp posts."),
    ("paintings", "{who} once saw {n} paintings in a museum."),
    ("songs", "{who} knows {n} songs by heart."),
    ("stairs", "There are {n} stairs up to {who}'s front door."),
    ("birds", "That morning {who} counted {n} birds on a wire."),
    ("umbrellas", "The shop next door sells {n} kinds of umbrellas."),
    ("chapters", "{who}'s favourite novel has {n} chapters."),
)
