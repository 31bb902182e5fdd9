"""What a visitor reads on a page, and which of it is English interface text left untranslated."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import ckan
from babel.dates import get_month_names
from babel.messages.pofile import read_po

HIDDEN_TAGS = {"script", "style", "noscript", "template", "code", "pre"}
# Rows of a resource's raw fields ("Datastore active", "Mimetype", ... as CKAN's resource page lists them under
# "show more"): record content named by its keys, not interface text. The actions' docstrings on the developer
# page: documentation generated from the code, in English by design (lang="en").
DATA_CLASSES = {"toggle-more", "tangerang-docstring"}
READ_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
# Interface words that Indonesian writes the same way (loanwords, names, acronyms).
SAME_IN_INDONESIAN = {
    "API",
    "CSV",
    "JSON",
    "DCAT",
    "URL",
    "OPD",
    "Web",
    "Android",
    "iOS",
    "Desktop",
    "Format",
    "Status",
    "Platform",
    "Dataset",
    "Walidata",
    "Admin",
    "Dashboard",
    "E-Government",
    "Tangerang LIVE",
    "Email",
    "Satu Data Kota Tangerang",
    "ID",
    "EN",
    "Kecamatan",
    "Total",
    "Media",
    "Data",
    "Metadata",
    "Portal",
    "Go",
    "Filter",
    "Login",
    "Logo",
    "Markdown",
    "Organisasi",
    "Grup",
    "Tag",
    "Facebook",
    "dataset",
    "e-government",
    "URL:",
}
# Dates not in Indonesian form ("1 Desember 2026"): the month first, in either language ("Desember 1, 2026", as
# CKAN's render_datetime with hours gives), and ISO 8601 as stored ("2026-12-01T02:03:04+00:00", "2026-12-02").
_MONTHS = "|".join(
    sorted({*get_month_names("wide", locale="id").values(), *get_month_names("wide", locale="en").values()})
)
# Text CKAN composes from a custom dataset type's name with English words, so no catalogue holds it: the result
# line ("172 aplikasis found", "No aplikasis found for ...") and an English plural of the type ("Search
# Aplikasis...") of snippets/search_result_text.html and h.humanize_entity_type.
COMPOSED_FOR_TYPE = re.compile(r"^(?:[\d.,]+|No) \S+ found(?: for .*)?$")
# An entity reference a visitor reads as text ("found for &#34;penduduk&#34;"): the page escaped it twice.
ESCAPED_TWICE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
DATE_NOT_INDONESIAN = re.compile(rf"\b(?:{_MONTHS}) \d{{1,2}}, \d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}(?!\d)")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.hidden_tags: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in HIDDEN_TAGS or DATA_CLASSES & set((attributes.get("class") or "").split()):
            self.hidden_tags.append(tag)
            self.hidden_depth += 1
        for name in READ_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.texts.append(attributes["value"])

    def handle_endtag(self, tag):
        if self.hidden_tags and tag == self.hidden_tags[-1]:
            self.hidden_tags.pop()
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.texts.append(data)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def visible_texts(html: str) -> list[str]:
    """Text nodes and read-aloud attributes of a page, whitespace normalised, outside scripts and code."""
    collector = _Collector()
    collector.feed(html)
    return [t for t in (_normal(t) for t in collector.texts) if t]


def _msgids(path: Path) -> set[str]:
    with path.open("rb") as f:
        catalog = read_po(f)
    ids = set()
    for message in catalog:
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            if msgid:
                ids.add(_normal(msgid))
    return ids


@cache
def english_plural_of_types() -> re.Pattern[str]:
    """ "Aplikasis" and the like: a custom dataset type's name (schemas/*.yaml) with the English plural -s."""
    schemas = resources.files("ckanext.tangerang.schemas")
    types = sorted(
        match.group(1)
        for path in schemas.iterdir()
        if path.name.endswith(".yaml")
        for match in [re.search(r"^dataset_type: (\w+)$", path.read_text("utf-8"), re.M)]
        if match and match.group(1) != "dataset"
    )
    return re.compile(rf"\b(?:{'|'.join(types)})s\b", re.I)


@cache
def interface_strings() -> tuple[set[str], list[re.Pattern[str]]]:
    """English interface strings: CKAN's msgids and ours, as exact texts and as patterns for those with
    placeholders. Only strings with a word of two letters or more count; those Indonesian shares are left out."""
    ckan_pot = Path(ckan.__file__).parent / "i18n" / "ckan.pot"
    ours = resources.files("ckanext.tangerang") / "i18n" / "ckanext-tangerang.pot"
    # The extensions whose pages stewards use ship templates of their own strings too.
    extensions = [
        Path(str(resources.files(f"ckanext.{ext}") / "i18n" / f"ckanext-{ext}.pot"))
        for ext in ("harvest", "dcat")
    ]
    ids = _msgids(ckan_pot) | _msgids(Path(str(ours)))
    for pot in extensions:
        if pot.exists():
            ids |= _msgids(pot)
    exact, patterns = set(), []
    for msgid in ids:
        if "<" in msgid:
            # A string with markup reaches the page as several text nodes: each piece of two or more English
            # words ("You can use", "Markdown formatting") counts on its own.
            # A piece of one word counts when it is a label ("Source:"): a lone word like "here" could be
            # Indonesian text that happens to match.
            for piece in re.split(r"<[^>]*>", msgid):
                piece = _normal(piece)
                words = re.findall(r"[A-Za-z]{2,}", piece)
                placeholder = re.search(r"%\(|\{\w*\}|%[sd]", piece)
                if not placeholder and (len(words) >= 2 or (len(words) == 1 and piece.endswith(":"))):
                    exact.add(piece)
            continue
        if not re.search(r"[A-Za-z]{2}", msgid) or msgid in SAME_IN_INDONESIAN:
            continue
        placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
        if placeholder.search(msgid):
            pieces = placeholder.split(msgid)
            literal = "".join(pieces)
            if len(re.findall(r"[A-Za-z]{3,}", literal)) < 2:
                continue  # "{0} - {1}" or "%(num)d items": too little of the text is interface
            patterns.append(re.compile("^" + ".+?".join(re.escape(p) for p in pieces) + "$"))
        else:
            exact.add(msgid)
    return exact, patterns


def untranslated(html: str) -> list[str]:
    """The visible texts of a page (rendered in Indonesian) that are English interface strings, text CKAN
    composes in English for a custom type, hold a date not in Indonesian form or an entity escaped twice."""
    exact, patterns = interface_strings()
    plural_of_type = english_plural_of_types()
    found = []
    for text in visible_texts(html):
        if text in SAME_IN_INDONESIAN:
            continue
        if (
            text in exact
            or any(p.match(text) for p in patterns)
            or COMPOSED_FOR_TYPE.match(text)
            or plural_of_type.search(text)
            or DATE_NOT_INDONESIAN.search(text)
            or ESCAPED_TWICE.search(text)
        ):
            found.append(text)
    return sorted(set(found))
