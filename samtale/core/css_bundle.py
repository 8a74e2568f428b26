"""One stylesheet for every page: the Digdir theme, the Designsystemet rules Samtale can
use, and Samtale's own CSS, minified into static/css/bundle.css (manage.py build_css).

Three stylesheets in <head> were three requests that held the first paint; most of the
200 kB of Designsystemet's CSS styles components and colours Samtale never shows. The
bundle keeps the three files' order (so the cascade and the layers come out as before) and
leaves out a Designsystemet rule only when it cannot match any page: when its selector
needs a `ds-` class that no template, Python module or script of Samtale names (classes
set by scripts and by htmx fragments are in those files too), or a value of the theme's
attributes none of them gives (`data-color="brand1"`, `data-color-scheme="dark"`).
Samtale's own CSS is kept whole.

A few of Designsystemet's selectors are written anew (SCOPED): each had a `:has()` that any
element can be the subject of (`:has(label) …`, `:not(:has(thead)) tbody`), so html, body
and main all carried it, and every change inside a field, every script added to the page,
re-styled the whole page, up to six times while it loaded (Lighthouse's blocking time on
the round's page; docs/developing/interface.md). The new selectors match the same
elements on Samtale's pages without a `:has()` on an ancestor; `unscoped_has()` finds any
such selector the bundle would still hold, and a test keeps it at none.

The bundle is committed, built from what is committed: a test builds it again and fails
when a template, a script or a vendored file changed without `manage.py build_css`.
"""

import re
from pathlib import Path
from typing import Any

import tinycss2
from tinycss2.ast import (
    AtRule,
    CurlyBracketsBlock,
    Declaration,
    FunctionBlock,
    ParenthesesBlock,
    QualifiedRule,
    SquareBracketsBlock,
    WhitespaceToken,
)

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
BUNDLE = STATIC / "css" / "bundle.css"
# In cascade order, as the pages linked them.
SOURCES = [
    ("vendor/designsystemet/theme-digdir.css", True),
    ("vendor/designsystemet/designsystemet.css", True),
    ("css/samtale.css", False),
]
# Where the classes a page can carry are named (the templates take in the htmx fragments).
USES = [
    (ROOT / "templates", "**/*.html"),
    (ROOT / "samtale", "**/templates/**/*.html"),
    (ROOT / "samtale", "**/*.py"),
    (STATIC / "js", "*.js"),
]
# The classes designsystemet-web.js gives elements it makes, and what makes it make them.
# (It names other `ds-` words too: its own elements' names, not classes.)
MADE_BY_SCRIPT = {"data-tooltip": "ds-tooltip"}
CLASS = re.compile(r"ds-[A-Za-z0-9_-]+")
# The theme's attributes whose values select whole blocks of tokens: a value counts when
# a source writes it out (`data-color-scheme="light"`), or, for colours that filters such
# as |badge give, when a source holds it as a word.
ATTRIBUTES = {"data-color-scheme": "written", "data-typography": "written", "data-color": "word"}
# Pseudo-classes that match only when one of their selectors can.
ANY_OF = {"is", "where", "has", "matches", "-webkit-any"}
BLOCKS_OF_RULES = {"layer", "media", "supports", "container", "scope", "starting-style"}

# Designsystemet's selectors whose :has() any element could be the subject of, and what
# they become (minified as in the bundle). A hovered input the hover outline is for is one
# not inside a <label> (when it is, the label is hovered too, and the label's rule has it);
# a table's first and last body are those without a head before or a foot after them.
SCOPED = {
    ":has(label):not(:has(label:hover)) .ds-input": ".ds-input:not(label .ds-input)",
    ":not(:has(thead)) tbody:first-of-type": "tbody:first-of-type:not(thead~tbody)",
    ":not(:has(tfoot)) tbody:last-of-type": "tbody:last-of-type:not(:has(~tfoot))",
}
# A compound that is every element, or html (:root is taken out with the other pseudo-classes).
EVERYWHERE = re.compile(r"\*?$|html(?![\w-])")

# @charset first of all (the text has "…", "å" and "✓"), then what the file is.
HEADER = (
    '@charset "UTF-8";\n'
    "/* Built by `manage.py build_css` (samtale/core/css_bundle.py); do not edit. "
    "The Digdir theme and Designsystemet (MIT: vendor/designsystemet/LICENSE*), "
    "without the rules no page can match, then css/samtale.css. */\n"
)


def used_names() -> set[str]:
    """Every `ds-` class the templates, the Python code and the scripts name, and every
    `attribute=value` of ATTRIBUTES they give."""
    texts = [
        path.read_text(encoding="utf-8")
        for folder, pattern in USES
        for path in folder.glob(pattern)
        if "/tests/" not in path.as_posix() and path != Path(__file__)
    ]
    names: set[str] = set()
    for text in texts:
        names.update(CLASS.findall(text))
        names.update(made for trigger, made in MADE_BY_SCRIPT.items() if trigger in text)
        for attribute, how in ATTRIBUTES.items():
            if how == "written":
                found = re.findall(rf'{attribute}="([^"{{]+)"', text)
            else:
                found = re.findall(r"(?<![\w-])([a-z][a-z0-9]*)(?![\w-])", text)
            names.update(f"{attribute}={value}" for value in found)
    return names


def bundle_build(used: set[str] | None = None) -> str:
    """The bundle's text: the sources in order, Designsystemet's rules that can match."""
    used = used_names() if used is None else used
    parts = [HEADER]
    for name, prune in SOURCES:
        rules = tinycss2.parse_stylesheet(
            (STATIC / name).read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
        )
        parts.append(_rules(rules, used if prune else None))
    return "".join(parts) + "\n"


# --- keeping what can match -----------------------------------------------------------


def _split(tokens: list[Any], on: str = ",") -> list[list[Any]]:
    """Top-level pieces of a token list, split at a literal (a selector list's commas)."""
    pieces: list[list[Any]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == on:
            pieces.append([])
        else:
            pieces[-1].append(token)
    return pieces


def _attribute_used(block: SquareBracketsBlock, used: set[str]) -> bool:
    """[data-color="brand1"]: whether a page can have it (other attributes: yes)."""
    parts = [t for t in block.content if t.type not in ("whitespace", "comment")]
    if len(parts) != 3 or parts[1].type != "literal" or parts[1].value != "=":
        return True
    name, value = parts[0], parts[2]
    if name.type != "ident" or name.lower_value not in ATTRIBUTES:
        return True
    return f"{name.lower_value}={value.value}" in used


def _can_match(tokens: list[Any], used: set[str]) -> bool:
    """False when the selector needs a class or an attribute's value nobody uses: at its
    top level, or in every alternative of an :is()/:where()/:has(). What is inside :not()
    is not needed."""
    previous = None
    for token in tokens:
        if isinstance(token, SquareBracketsBlock) and not _attribute_used(token, used):
            return False
        if (
            token.type == "ident"
            and previous is not None
            and previous.type == "literal"
            and previous.value == "."
            and CLASS.fullmatch(token.value)
            and token.value not in used
        ):
            return False
        if (
            isinstance(token, FunctionBlock)
            and previous is not None
            and previous.type == "literal"
            and previous.value == ":"
            and token.lower_name in ANY_OF
            and not any(_can_match(part, used) for part in _split(token.arguments))
        ):
            return False
        previous = token
    return True


def _rules(rules: list[Any], used: set[str] | None) -> str:
    out = []
    for rule in rules:
        if isinstance(rule, QualifiedRule):
            selectors = _split(rule.prelude)
            if used is not None:
                selectors = [s for s in selectors if _can_match(s, used)]
                if not selectors:
                    continue
            out.append(f"{','.join(_selector(s) for s in selectors)}{{{_block(rule.content)}}}")
        elif isinstance(rule, AtRule):
            if rule.lower_at_keyword == "charset":
                continue
            prelude = _tokens(rule.prelude)
            if rule.content is None:
                out.append(f"@{rule.at_keyword} {prelude};")
            elif rule.lower_at_keyword in BLOCKS_OF_RULES:
                inner = _rules(
                    tinycss2.parse_rule_list(
                        rule.content, skip_comments=True, skip_whitespace=True
                    ),
                    used,
                )
                if inner:
                    out.append(f"@{rule.at_keyword} {prelude}{{{inner}}}")
                elif rule.lower_at_keyword == "layer":
                    # An emptied layer still holds its place in the layers' order.
                    out.append(f"@layer {prelude};")
            else:  # @font-face, @keyframes, @property: as they are
                out.append(f"@{rule.at_keyword} {prelude}{{{_block(rule.content)}}}")
    return "".join(out)


# --- minifying ----------------------------------------------------------------------------

_SPACE = WhitespaceToken(0, 0, " ")
COMBINATORS = {",", ">", "+", "~"}


def _squeeze(tokens: list[Any]) -> list[Any]:
    """Without comments, each white space one space, inside blocks too."""
    out = []
    for token in tokens:
        if token.type == "comment":
            continue
        if token.type == "whitespace":
            token = _SPACE
        elif isinstance(token, FunctionBlock):
            token = FunctionBlock(
                token.source_line, token.source_column, token.name, _squeeze(token.arguments)
            )
        elif isinstance(token, ParenthesesBlock | SquareBracketsBlock | CurlyBracketsBlock):
            token = type(token)(token.source_line, token.source_column, _squeeze(token.content))
        out.append(token)
    return out


def _strip(tokens: list[Any]) -> list[Any]:
    while tokens and tokens[0].type == "whitespace":
        tokens = tokens[1:]
    while tokens and tokens[-1].type == "whitespace":
        tokens = tokens[:-1]
    return tokens


def _tokens(tokens: list[Any]) -> str:
    return str(tinycss2.serialize(_strip(_squeeze(tokens))))


def _selector(tokens: list[Any], scope: bool = True) -> str:
    """A selector without the spaces around its combinators (` > ` as `>`), and, unless
    told not to, with SCOPED's selectors written anew."""
    tokens = _strip(_squeeze(tokens))

    def combinator(token: Any) -> bool:
        return token.type == "literal" and token.value in COMBINATORS

    kept = [
        token
        for i, token in enumerate(tokens)
        if token.type != "whitespace"
        or not (combinator(tokens[i - 1]) or (i + 1 < len(tokens) and combinator(tokens[i + 1])))
    ]
    text = str(tinycss2.serialize(kept))
    for unscoped, scoped in SCOPED.items() if scope else ():
        text = text.replace(unscoped, scoped)
    return text


# --- :has() on every ancestor ---------------------------------------------------------------


def unscoped_has(text: str) -> list[str]:
    """The selectors in a stylesheet with a :has() whose subject can be any element (or
    html): Chrome then marks every ancestor of what it looks for as depending on it, and
    restyles an ancestor's whole subtree when something inside changes."""
    found: list[str] = []

    def walk(rules: list[Any]) -> None:
        for rule in rules:
            if isinstance(rule, QualifiedRule):
                found.extend(
                    selector
                    for selector in (_selector(s, scope=False) for s in _split(rule.prelude))
                    if any(
                        not _scoped(selector, m.start()) for m in re.finditer(r":has\(", selector)
                    )
                )
                walk(
                    [
                        r
                        for r in tinycss2.parse_blocks_contents(rule.content, skip_comments=True)
                        if isinstance(r, QualifiedRule | AtRule)
                    ]
                )
            elif isinstance(rule, AtRule) and rule.content is not None:
                walk(tinycss2.parse_rule_list(rule.content, skip_comments=True))

    walk(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    return found


def _scoped(selector: str, at: int) -> bool:
    """Whether the compound the :has() at `at` belongs to (through the :is(), :where() and
    :not() around it) names a type other than html, a class, an id or an attribute."""
    start = at
    while True:
        begin, end = _edge(selector, start - 1, -1), _edge(selector, start, 1)
        if _qualified(selector[begin + 1 : end]):
            return True
        if end < len(selector) and selector[end] != ")":
            return False  # an ancestor's or a sibling's compound: what is around it is not its
        if begin < 0 or selector[begin] != "(":
            return False
        enclosing = re.search(r":([\w-]+)$", selector[:begin])
        if not enclosing:
            return False
        if enclosing.group(1) == "has":
            return True  # a selector inside a :has(): not a subject
        start = enclosing.start()


def _edge(selector: str, start: int, step: int) -> int:
    """Where the compound at `start` stops, walking by `step` (-1 back, 1 on): at a
    combinator, a comma or a bracket that closes (or opens) what holds it. What is inside
    an attribute's brackets ([title="a b"]) is passed over."""
    inward, outward = ("([", ")]") if step > 0 else (")]", "([")
    depth, i = 0, start
    while 0 <= i < len(selector):
        char = selector[i]
        if char in inward:
            depth += 1
        elif char in outward:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and char in " >+~,":
            break
        i += step
    return i


def _qualified(compound: str) -> bool:
    """A compound names a type other than html, a class, an id or an attribute, itself or
    in every alternative of an :is() or :where() of it (not in a :not() or a :has())."""
    depth, top, alternatives = 0, "", []
    for i, char in enumerate(compound):
        if char == "(":
            if depth == 0:
                name = re.search(r":([\w-]+)$", compound[:i])
                opened, kind = i, name.group(1) if name else ""
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and kind in ("is", "where", "matches"):
                alternatives.append(compound[opened + 1 : i])
        elif depth == 0:
            top += char
    top = re.sub(r"::?[\w-]+", "", top)  # the pseudo-classes and -elements
    if not EVERYWHERE.match(top):
        return True
    return any(
        all(_qualified(piece.strip()) for piece in _split_text(alternative))
        for alternative in alternatives
    )


def _split_text(selectors: str) -> list[str]:
    """A selector list's top-level pieces, each piece's last compound (its subject)."""
    depth, pieces, piece = 0, [], ""
    for char in selectors:
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and char == ",":
            pieces.append(piece)
            piece = ""
        else:
            piece += char
    pieces.append(piece)
    return [re.split(r"[ >+~](?![^(]*\))", p.strip())[-1] for p in pieces]


def _block(content: list[Any]) -> str:
    """A rule's body: its declarations, and the rules nested in it (CSS nesting)."""
    out = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if isinstance(item, Declaration):
            important = "!important" if item.important else ""
            out.append(f"{item.name}:{_tokens(item.value)}{important};")
        elif isinstance(item, QualifiedRule):
            out.append(f"{_selector(item.prelude)}{{{_block(item.content)}}}")
        elif isinstance(item, AtRule):
            prelude = _tokens(item.prelude)
            if item.content is None:
                out.append(f"@{item.at_keyword} {prelude};")
            else:
                out.append(f"@{item.at_keyword} {prelude}{{{_block(item.content)}}}")
    return "".join(out).removesuffix(";")
