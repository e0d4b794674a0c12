"""The hostile-input corpus every entry point runs over (tests/hostile/test_entry_points.py).

Classes, not single payloads: each class has the rule that must hold for all its members.
"""

from __future__ import annotations

# Refused in every field, as a field or row error naming the character.
CONTROLS = {
    "esc": ("Jane\x1b[31mDoe", "U+001B"),
    "bel": ("Jane\x07Doe", "U+0007"),
    "nul": ("Jane\x00Doe", "U+0000"),
    "del": ("Jane\x7fDoe", "U+007F"),
    "c1-nel": ("Jane\x85Doe", "U+0085"),
    "c1-csi": ("Jane\x9bDoe", "U+009B"),
    "rlo": ("\u202eeoD enaJ", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    "lre": ("Jane \u202aDoe", "U+202A LEFT-TO-RIGHT EMBEDDING"),
    "rli": ("\u2067Jane\u2069 Doe", "U+2067 RIGHT-TO-LEFT ISOLATE"),
}
# Characters openpyxl can store in a cell (it refuses most C0 controls itself).
XLSX_CONTROLS = {k: v for k, v in CONTROLS.items() if k in ("c1-nel", "c1-csi", "rlo", "rli")}

# Accepted, and printed as the literal text they are.
LITERALS = [
    "<script>alert(1)</script>",
    "<a href='https://evil.example'>x</a>",
    '<link rel="attachment" href="/etc/passwd">',
    "{{ 7*7 }} {% raw %}",
    "%(name)s %s {0}",
    "Tremblay &amp; Fils",
    "../../etc/passwd",
]

# Spreadsheet formula starts: accepted as names, neutralised in manifest.csv.
FORMULAS = ["=1+1", "+1 613", "@SUM(A1)", "\u200b=1+1", "\ufeff=cmd", "\uff1d1+1", " |calc"]

# Markup a translator (or a campaign translation) might add: refused by check and compile.
MARKUP = {
    "unclosed-link": "<a href=https://evil.example",
    "attachment": "<link rel=attachment href=/etc/passwd",
    "style": '<span style="position:absolute;left:-9999px"',
    "entity": "&#60;script",
    "attribute-quote": 'x" onload="',
    "single-quote": "x' style='",
}

# Addresses Python's parser would rewrite, or send as raw 8-bit: refused for .eml drafts.
ADDRESSES = ["a@[127.0.0.1].x", "a@b.c)", "jé@example.ca", "a@b", "a..b@example.ca"]

# Invisible format characters and compatibility forms inside a name: the same supporter as the
# plain name (tests/hostile/test_invisible_duplicates.py).
INVISIBLE = [
    "Heather Li\u200bm",  # zero-width space
    "He\ufeffather Lim",  # BOM
    "Heat\u00adher Lim",  # soft hyphen
    "Heather\u2060 Lim",  # word joiner
    "Ｈｅａｔｈｅｒ Ｌｉｍ",  # full-width
]

# A translator's Plural-Forms header: refused by check and compile, and at run time
# (tests/hostile/test_plural_forms.py). Each with the words that name the problem.
PLURAL_FORMS = {
    "a form that does not exist": ("nplurals=2; plural=(n>1)?7:0;", "gives form 7 for n = 2"),
    "division by zero": ("nplurals=2; plural=n%0;", "divides by zero for n = 0"),
    "code": ('nplurals=2; plural=__import__("os").getpid();', "is not allowed in a rule"),
    "not a number": ("nplurals=abc; plural=n;", "nplurals 'abc' is not a number"),
    "a million forms": ("nplurals=1000000; plural=0;", "nplurals is 1000000; it must be 1 to 6"),
    "nested": ("nplurals=2; plural=" + "(" * 40 + "n" + ")" * 40 + ";", "nested more than"),
}
# Safe, but not the rule Babel's locale data gives for French: refused unless reviewed.
NOT_BABELS = ("nplurals=2; plural=(n != 1);", "differs from Babel's locale data for 'fr'")
