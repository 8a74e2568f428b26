"""Hostile input, the ways to send it, and the names each view reads
(tests/test_hostile_posts.py; the JSON bodies for the API and SCIM are in
tests/hostile_json.py, the database's fingerprint is tests/fingerprint.py).

The values are the ones that have broken web applications before: the wrong type where a
number, a date, an id or a file is expected; 100 kB strings; control characters, NUL bytes
and lone surrogates; text that turns its direction or hides; injections of SQL, HTML,
templates and spreadsheet formulas; numbers past every integer type; other people's ids
and ids that do not exist. Bodies come in every encoding a browser or a script sends, and
some that none does.
"""

import inspect
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time, timedelta
from pathlib import Path
from urllib.parse import quote_plus

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import get_resolver
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import strategies as st

# Values -----------------------------------------------------------------------------

HOSTILE = [
    # Blank, and what only looks like a number.
    "",
    " ",
    "\t\r\n",
    "0",
    "-1",
    "1.5",
    "1,5",
    "1e9",
    "1e309",
    "NaN",
    "-Infinity",
    "0x1F",
    "٣",  # an Arabic-Indic three: int() reads it
    "３",  # a full-width three
    "²",
    "1\xa0000",
    "9223372036854775808",  # one past a signed 64-bit integer
    "-9223372036854775809",
    "18446744073709551616",
    "9" * 40,
    # What only looks like a date or a time.
    "31.02.2026",
    "29.02.2027",
    "00.00.0000",
    "01.01.0001",
    "31.12.9999",
    "01.01.10000",
    "1.1.1",
    "2026-13-45",
    "24:00",
    "23:60",
    "-1:00",
    "99:99:99",
    # Injections.
    "' OR '1'='1",
    "1; DROP TABLE org_person; --",
    "1 UNION SELECT password FROM org_person --",
    "%' OR 1=1 --",
    "\\",
    "%",
    "_",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\r\nSet-Cookie: taken=1",
    "{{ request.user.password }}",
    "{% debug %}",
    "${7*7}",
    "%(password)s",
    "%s%s%s%s%n",
    "{0.__class__}",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "../../../../etc/passwd",
    # Control and format characters, direction, combining marks, and what hides.
    "\x00",
    "a\x00b",
    "\x07\x08\x1b[31m\x7f",
    "\u202egnp.exe",
    "\u200b\u200d\ufeff",
    "\u2028\u2029",
    "e\u0301\u0301\u0301\u0301",
    "👩‍👩‍👧‍👦🇳🇴",
    "ǅ ß İ ﬃ",
    "\ud800",  # a lone surrogate: only a raw body carries it (encoded with surrogatepass)
    "\udfffx",
    # Words for nothing.
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
]
HUGE = [
    "A" * 100_000,
    "æøå" * 35_000,
    "\u0301" * 50_000,
    "9" * 5_000,  # past Python's 4,300 digits for int()
    "<b>" * 35_000,
    "\x00" * 10_000,
    "\u202e" * 20_000,
]
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
# Files where a file is expected: garbage, the wrong encoding, a formula, a NUL.
HOSTILE_FILES = [
    ("ansatte.csv", b"\x00\xff\xfe" * 1000, "text/csv"),
    ("ansatte.csv", "fornavn;etternavn\nÆ;Ø\n".encode("utf-16"), "text/csv"),
    ("ansatte.csv", b'=HYPERLINK("https://evil.example");x\n' * 50, "text/csv"),
    ("../../settings.py", b"SECRET_KEY = 'x'", "text/x-python"),
    ("tom.csv", b"", "text/csv"),
    ("bilde.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 500, "image/png"),
    ("a" * 300 + ".csv", b"a;b\n" * 5, "text/csv"),
]


def _huge(index: int) -> str:
    return HUGE[index]


def hostile_text(ids: list) -> st.SearchStrategy[str]:
    """One hostile value, as the text a form field receives."""
    return st.one_of(
        st.sampled_from(HOSTILE),
        # By index: a strategy's repr shows its values, and these are 100 kB each.
        st.integers(0, len(HUGE) - 1).map(_huge),
        st.sampled_from(ids).map(str),
        st.text(st.characters(codec=None), max_size=30),
        st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
        st.integers().map(str),
        st.floats().map(str),
        st.dates(min_value=date(1, 1, 1)).map(lambda d: f"{d.day}.{d.month}.{d.year}"),
    )


# The field names of the app's forms ------------------------------------------------


def _subclasses(cls) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


TEMPLATE_FIELD = re.compile(r"<(?:input|select|textarea|button)\b[^>]*?\bname=\"([\w-]+)\"")
SOURCE_FIELD = re.compile(
    r"POST\.get(?:list)?\(\s*\"([\w-]+)\"|\"([\w-]+)\" in request\.POST|prefix=\"(\w+)\"|"
    r"PREFIX = \"(\w+)\""
)


def app_form_fields() -> dict[str, list[forms.Field]]:
    """Every field of every form class of the app, by name (what gives a plausible value: a
    choice, an id of the right model, a date as Norwegians write it)."""
    get_resolver().url_patterns  # noqa: B018 - imports every view, and so every form class
    fields: dict[str, list[forms.Field]] = {}
    for form_class in _subclasses(forms.BaseForm):
        if form_class.__module__.startswith("samtale."):
            for name, field in form_class.base_fields.items():
                fields.setdefault(name, []).append(field)
    return fields


def field_names(form_fields: dict) -> list[str]:
    """The name of every field the app's pages post: its forms' fields, the names written
    in its templates and read from request.POST in its code, and the management fields of
    its formsets (by their prefixes)."""
    names = set(form_fields)
    root = Path(settings.BASE_DIR)
    for template in [
        *root.glob("samtale/**/templates/**/*.html"),
        *root.glob("templates/**/*.html"),
    ]:
        names.update(TEMPLATE_FIELD.findall(template.read_text()))
    for source in root.glob("samtale/**/*.py"):
        if "/tests/" in str(source) or "/migrations/" in str(source):
            continue
        forms_or_views = source.name == "forms.py" or "views" in str(source)
        for post_get, post_in, prefix, constant in SOURCE_FIELD.findall(source.read_text()):
            names.update(n for n in (post_get, post_in) if n)
            if forms_or_views:  # a form's prefix (a token's prefix elsewhere is no field)
                names.update(f"{p}-{m}" for p in (prefix, constant) if p for m in MANAGEMENT)
    return sorted(names)


def view_form_fields(view) -> set[str]:
    """The fields of the form classes a view names in its code (and in the functions of
    its own module it calls): the names it reads on a branch the first pass did not take."""
    names: set[str] = set()
    seen: set = set()

    def visit(function, depth: int) -> None:
        function = inspect.unwrap(function)
        code = getattr(function, "__code__", None)
        if code is None or function in seen or depth > 2:
            return
        seen.add(function)
        used = set(code.co_names)
        used.update(n for const in code.co_consts if inspect.iscode(const) for n in const.co_names)
        for name in used:
            found = function.__globals__.get(name)
            if isinstance(found, type) and issubclass(found, forms.BaseForm):
                names.update(found.base_fields)
            elif isinstance(found, type) and issubclass(found, forms.BaseFormSet):
                # Its prefix: the module's PREFIX where the view sets one (rounds' slots).
                prefix = function.__globals__.get("PREFIX", found.get_default_prefix())
                names.update(f"{prefix}-{m}" for m in MANAGEMENT)
                names.update(f"{prefix}-0-{f}" for f in found.form.base_fields)
            elif inspect.isfunction(found) and found.__module__ == function.__module__:
                visit(found, depth + 1)

    form_class = getattr(getattr(view, "view_class", None), "form_class", None)
    if form_class is not None:
        names.update(form_class.base_fields)
    visit(view, 0)
    return names


# Plausible values, so that the other fields pass and the hostile one is reached --------


def _choices(field) -> list:
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):  # an optgroup
            values += [v for v, _label in label]
        else:
            values.append(value)
    return [str(v) for v in values if str(v) != ""]


def plausible(field: forms.Field, ids_of) -> st.SearchStrategy:
    """A value a person could have typed or chosen in `field` (`ids_of(model)`: its ids)."""
    today = timezone.localdate()
    if isinstance(field, forms.ModelChoiceField):
        # A picker's queryset is set per form (None on the class): any id, then.
        model = field.queryset.model if field.queryset is not None else None
        one = st.sampled_from(ids_of(model)).map(str)
        if isinstance(field, forms.ModelMultipleChoiceField):
            return st.lists(one, max_size=3)
        return one
    if isinstance(field, forms.ChoiceField):
        choices = _choices(field)
        if not choices:
            return st.just("1")
        one = st.sampled_from(choices)
        if isinstance(field, forms.MultipleChoiceField):
            return st.lists(one, max_size=3, unique=True)
        return one
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "true", "1"])
    if isinstance(field, forms.IntegerField):
        low = field.min_value if field.min_value is not None else 0
        high = field.max_value if field.max_value is not None else low + 200
        return st.integers(low, high).map(str)
    if isinstance(field, forms.DateField):
        days = st.integers(-400, 400).map(lambda n: today + timedelta(days=n))
        return days.map(lambda d: d.strftime(_date_format(d)))
    if isinstance(field, forms.TimeField):
        return st.times(min_value=time(6), max_value=time(20)).map(lambda t: t.strftime("%H:%M"))
    if isinstance(field, forms.EmailField):
        return st.sampled_from(["ny.person@test.example", "employee@test.example"])
    if isinstance(field, forms.FileField):
        return st.just(
            (
                "ansatte.csv",
                b"fornavn;etternavn;e-post\nNy;Person;ny@test.example\n",
                "text/csv",
            )
        )
    return st.sampled_from(["Tekst", "Møterom 2", "Sykdom", "Ny plan", "Lærer"]) | st.text(
        "abcæøå ABC", min_size=1, max_size=20
    )


def _date_format(day: date) -> str:
    # Both ways the date field reads a date: as Norwegians write it, and ISO.
    return "%d.%m.%Y" if day.toordinal() % 3 else "%Y-%m-%d"


class Values:
    """The values for each field name: plausible for its kind, or hostile."""

    def __init__(self, form_fields: dict, catalog: list[str], ids: list, ids_of):
        self.form_fields = form_fields
        self.catalog = catalog
        self.hostile = hostile_text(ids)
        self.ids_of = ids_of
        self._plausible: dict[str, st.SearchStrategy] = {}
        # Set once the API's OpenAPI document is read (test_hostile_posts.hostile_values).
        self.json: dict[str, st.SearchStrategy[bytes]] = {}  # per method
        self.json_keys: list[str] = []
        self.shapes: dict[str, dict[str, dict]] = {}  # method -> shape -> plausible body

    def __repr__(self) -> str:
        return "Values()"  # in Hypothesis's reprs of the strategies that take it

    def plausible(self, name: str) -> st.SearchStrategy:
        if name not in self._plausible:
            self._plausible[name] = self._make(name)
        return self._plausible[name]

    def _make(self, name: str) -> st.SearchStrategy:
        if name.endswith(MANAGEMENT):
            return st.integers(0, 3).map(str)
        if name == "next":  # where a form goes back to: a page of the site
            return st.sampled_from(["/", "/samtaler/", "/mine-tiltak/", "/profil/#varsler"])
        # A formset's or a prefixed form's field (themes-0-title, withdraw-reason, g0-a1-text)
        # is the field of its last part.
        fields = self.form_fields.get(name) or self.form_fields.get(name.rsplit("-", 1)[-1])
        if not fields:
            return st.sampled_from(["Tekst", "1", "on", "ja"])
        kinds = {type(f): f for f in fields}
        return st.one_of([plausible(f, self.ids_of) for f in kinds.values()])

    def for_file(self) -> st.SearchStrategy:
        return st.sampled_from(HOSTILE_FILES)


@st.composite
def form_pairs(draw, keys: list[str], values: Values) -> list[tuple]:
    """A form body as (name, value) pairs: the form filled in as a person would but for one
    to three hostile fields, or hostile throughout; keys left out or repeated, and keys of
    other forms or none."""
    pairs: list[tuple] = []
    everything = draw(st.integers(0, 3)) == 0
    hostile = (
        set(keys)
        if everything or not keys
        else draw(st.sets(st.sampled_from(keys), min_size=1, max_size=3))
    )
    for name in keys:
        mode = draw(st.integers(0, 11))
        if mode == 0:  # left out
            continue
        for _ in range(2 if mode == 1 else 1):  # repeated: which one wins?
            if name in hostile:
                file = name in values.form_fields and any(
                    isinstance(f, forms.FileField) for f in values.form_fields[name]
                )
                value = draw(values.for_file() | values.hostile) if file else draw(values.hostile)
            else:
                value = draw(values.plausible(name))
            pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    for _ in range(draw(st.integers(0, 2))):
        name = draw(
            st.sampled_from(values.catalog) | st.text(st.characters(codec=None), max_size=12)
        )
        pairs.append((name, draw(values.hostile)))
    return pairs


# Encoding ---------------------------------------------------------------------------

BOUNDARY = "hostile-boundary-7MA4YWxkTrZu0gW"


def _bytes(text: str) -> bytes:
    # surrogatepass: a lone surrogate goes out as the bytes a broken client would send.
    return text.encode("utf-8", "surrogatepass")


def encode_form(pairs: list[tuple], encoding: str) -> tuple[bytes, str]:
    """(body, content type) of the pairs in `encoding`: multipart/form-data and
    urlencoded (each written here, so that repeated keys, files and invalid UTF-8 go out
    as they are), JSON where a form is expected, or a multipart body with no boundary."""
    if encoding == "multipart":
        parts = []
        for name, value in pairs:
            if isinstance(value, tuple):
                filename, content, kind = value
                head = f'name="{name}"; filename="{filename}"\r\nContent-Type: {kind}'
            else:
                head, content = f'name="{name}"', _bytes(value)
            parts.append(
                b"--%s\r\nContent-Disposition: form-data; %s\r\n\r\n%s\r\n"
                % (BOUNDARY.encode(), _bytes(head), content)
            )
        body = b"".join(parts) + b"--%s--\r\n" % BOUNDARY.encode()
        return body, f"multipart/form-data; boundary={BOUNDARY}"
    flat = [(name, value[0] if isinstance(value, tuple) else value) for name, value in pairs]
    if encoding == "urlencoded":
        body = "&".join(f"{quote_plus(_bytes(n))}={quote_plus(_bytes(v))}" for n, v in flat)
        return body.encode(), "application/x-www-form-urlencoded"
    if encoding == "json":
        return json.dumps(dict(flat)).encode(), "application/json"
    body = b"--nothing\r\n" + _bytes(";".join(f"{n}={v}" for n, v in flat)[:5000])
    return body, "multipart/form-data"


# Which names a view reads -----------------------------------------------------------

_READS = ("get", "getlist", "__getitem__", "__contains__")


@contextmanager
def names_read() -> Iterator[set[str]]:
    """The names the app looks up in request.POST and request.FILES while inside: the
    fields of the forms a view binds, and the keys its code reads. Recorded from
    MultiValueDict (the class under QueryDict), for the two a request parsed only: the URL
    resolver keeps its names in one too, and parsing a body looks up every name in it."""
    seen: set[str] = set()
    parsed: set[int] = set()
    own = {name: MultiValueDict.__dict__.get(name) for name in _READS}
    load = HttpRequest._load_post_and_files

    def loading(request):
        load(request)
        parsed.update((id(request._post), id(request._files)))

    def recording(method):
        def read(self, key, *args, **kwargs):
            if id(self) in parsed and isinstance(key, str):
                seen.add(key)
            return method(self, key, *args, **kwargs)

        return read

    for name in _READS:
        setattr(MultiValueDict, name, recording(getattr(MultiValueDict, name)))
    HttpRequest._load_post_and_files = loading
    try:
        yield seen
    finally:
        HttpRequest._load_post_and_files = load
        for name, method in own.items():
            if method is None:
                delattr(MultiValueDict, name)
            else:
                setattr(MultiValueDict, name, method)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def describe(value, limit: int = 120) -> str:
    """A value for the report: long runs shortened, control characters escaped."""
    text = repr(value)
    text = re.sub(
        r"(.{1,8}?)\1{19,}", lambda m: f"{m.group(1)}×{len(m.group(0)) // len(m.group(1))}", text
    )
    return _short(text, limit)
