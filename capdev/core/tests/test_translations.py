"""The French, Spanish and Chinese catalogs: complete, compiled, covering the code, in use.

How to update them is in docs/translating.md. In short, from the repository root:

    cd capdev && DEBUG=1 ../.venv/bin/capdev makemessages -l fr -l es -l zh_Hans \\
        --add-location=file --no-obsolete
    (translate the new entries in capdev/locale/*/LC_MESSAGES/django.po)
    DEBUG=1 ../.venv/bin/capdev compilemessages
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.html import escape
from django.utils.translation.template import templatize

import capdev

PACKAGE = Path(capdev.__file__).resolve().parent
LOCALE = PACKAGE / "locale"

# Language code (settings.LANGUAGES) -> locale folder, and its number of plural forms.
LANGUAGES = {"fr": "fr", "es": "es", "zh-hans": "zh_Hans"}
FOLDERS = list(LANGUAGES.values())
NPLURALS = {"fr": 2, "es": 3, "zh_Hans": 1}

UPDATE_HINT = (
    "update the catalogs: cd capdev && DEBUG=1 ../.venv/bin/capdev makemessages "
    "-l fr -l es -l zh_Hans --add-location=file --no-obsolete, translate, then "
    "DEBUG=1 ../.venv/bin/capdev compilemessages (see docs/translating.md)"
)

# printf-style conversions as Python's % operator reads them, "%%" included.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.\d+)?[a-zA-Z%]")

Key = tuple[str | None, str]  # (msgctxt, msgid)


def _po_path(folder: str) -> Path:
    return LOCALE / folder / "LC_MESSAGES" / "django.po"


def _mo_path(folder: str) -> Path:
    return LOCALE / folder / "LC_MESSAGES" / "django.mo"


@cache
def _po(folder: str) -> polib.POFile:
    return polib.pofile(str(_po_path(folder)))


def _live_entries(catalog: polib._BaseFile) -> Iterator[polib._BaseEntry]:
    return (entry for entry in catalog if not entry.obsolete and entry.msgid)


def _placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%"}


def _plural_rule(folder: str):  # type: ignore[no-untyped-def]
    """The index of the plural form for n, as each language's Plural-Forms header says."""
    return {
        "fr": lambda n: 0 if n <= 1 else 1,
        "es": lambda n: 0 if n == 1 else 1 if n != 0 and n % 1_000_000 == 0 else 2,
        "zh_Hans": lambda n: 0,
    }[folder]


# --- (a) every entry is translated, well-formed, with a correct header -----------------------


def test_every_language_in_settings_has_a_catalog_and_no_other():
    configured = {code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE}
    assert configured == set(LANGUAGES)
    assert [Path(p).resolve() for p in settings.LOCALE_PATHS] == [LOCALE]
    for folder in FOLDERS:
        assert _po_path(folder).is_file(), f"no catalog for {folder}: {UPDATE_HINT}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_catalog_header_names_its_language_plural_forms_and_charset(folder):
    catalog = _po(folder)
    assert not catalog.metadata_is_fuzzy, "a fuzzy header is dropped by msgfmt"
    metadata = catalog.metadata
    assert metadata.get("Language") == folder
    assert metadata.get("Content-Type") == "text/plain; charset=UTF-8"
    plural_forms = metadata.get("Plural-Forms", "")
    assert re.match(rf"nplurals={NPLURALS[folder]};\s*plural=", plural_forms), plural_forms


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_entry_is_translated_not_fuzzy_and_keeps_its_placeholders(folder):
    problems = []
    entries = list(_live_entries(_po(folder)))
    assert len(entries) > 100, "the catalog looks truncated"
    for entry in entries:
        where = f"{folder}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where} is fuzzy")
        if entry.msgid_plural:
            indexes = sorted(entry.msgstr_plural)
            if indexes != list(range(NPLURALS[folder])):
                problems.append(f"{where} has plural forms {indexes}")
            translations = [entry.msgstr_plural[i] for i in indexes]
            expected = _placeholders(entry.msgid_plural)
        else:
            translations = [entry.msgstr]
            expected = _placeholders(entry.msgid)
        for text in translations:
            if not text.strip():
                problems.append(f"{where} is not translated")
                continue
            if _placeholders(text) != expected:
                problems.append(f"{where}: placeholders {_placeholders(text)} != {expected}")
            if "python-format" in entry.flags:
                try:
                    text % {name.group("name"): 1 for name in PLACEHOLDER.finditer(text)}
                except (KeyError, TypeError, ValueError) as error:
                    problems.append(f"{where}: {text!r} does not format ({error})")
            if "<" in text and "<" not in entry.msgid:
                problems.append(f"{where}: {text!r} adds markup")
    assert problems == []


def test_all_languages_translate_the_same_messages():
    keys = {
        folder: {(e.msgctxt, e.msgid) for e in _live_entries(_po(folder))} for folder in FOLDERS
    }
    first, *others = FOLDERS
    for folder in others:
        assert keys[folder] == keys[first], f"{folder} and {first} differ: {UPDATE_HINT}"


# --- (b) the committed .mo is what the .po compiles to ---------------------------------------


def _messages(catalog: polib._BaseFile) -> dict[tuple[str | None, str, str | None], object]:
    """msgid -> msgstr (plural forms as a tuple) of the translated, non-fuzzy entries."""
    messages: dict[tuple[str | None, str, str | None], object] = {}
    for entry in _live_entries(catalog):
        if "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            value: object = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            if not any(value):  # type: ignore[arg-type]
                continue
        else:
            value = entry.msgstr
            if not value:
                continue
        messages[(entry.msgctxt, entry.msgid, entry.msgid_plural or None)] = value
    return messages


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_committed_mo_file_is_the_compiled_po_file(folder):
    assert _mo_path(folder).is_file(), f"no compiled catalog for {folder}: {UPDATE_HINT}"
    compiled = polib.mofile(str(_mo_path(folder)))
    source = _po(folder)
    assert compiled.metadata.get("Plural-Forms") == source.metadata.get("Plural-Forms")
    po_messages = _messages(source)
    mo_messages = _messages(compiled)
    stale = {k: (v, mo_messages.get(k)) for k, v in po_messages.items() if mo_messages.get(k) != v}
    extra = set(mo_messages) - set(po_messages)
    assert not stale and not extra, f"django.mo is out of date for {folder}: {UPDATE_HINT}"


# --- (c) the catalog covers every translatable string in the code ----------------------------

# The gettext functions makemessages looks for, and where their context, message and plural
# arguments are.
PY_KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
# What Django's templatize() turns {% translate %}, {% blocktranslate %} and _("…") into.
_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(
    rf"\b(?P<func>gettext|pgettext|ngettext|npgettext|_)\(\s*(?P<a>{_LITERAL})"
    rf"(?:\s*,\s*(?P<b>{_LITERAL}))?(?:\s*,\s*(?P<c>{_LITERAL}))?"
)


def _source_files(suffixes: set[str]) -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*")
        if path.suffix in suffixes
        and path.is_file()
        and not {"locale", "__pycache__"} & set(path.relative_to(PACKAGE).parts)
        and not any(part.startswith(".") for part in path.relative_to(PACKAGE).parts)
    )


def _python_messages(path: Path) -> dict[Key, str | None]:
    found: dict[Key, str | None] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in PY_KEYWORDS:
            continue
        positions = PY_KEYWORDS[name]
        values: list[str | None] = []
        for position in positions:
            if position is None:
                values.append(None)
                continue
            if len(node.args) <= position:
                break
            argument = node.args[position]
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                break
            values.append(argument.value)
        else:
            context, msgid, plural = values
            if msgid:
                found[(context, msgid)] = plural
    return found


def _template_messages(path: Path) -> dict[Key, str | None]:
    found: dict[Key, str | None] = {}
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for match in TEMPLATE_CALL.finditer(code):
        args = [ast.literal_eval(a) for a in match.group("a", "b", "c") if a is not None]
        func = match.group("func")
        if func in ("gettext", "_"):
            found[(None, args[0])] = None
        elif func == "pgettext" and len(args) >= 2:
            found[(args[0], args[1])] = None
        elif func == "ngettext" and len(args) >= 2:
            found[(None, args[0])] = args[1]
        elif func == "npgettext" and len(args) >= 3:
            found[(args[0], args[1])] = args[2]
    return found


def _messages_in_code() -> dict[Key, tuple[str | None, Path]]:
    found: dict[Key, tuple[str | None, Path]] = {}
    for path in _source_files({".py"}):
        for key, plural in _python_messages(path).items():
            found[key] = (plural, path)
    for path in _source_files({".html", ".txt"}):
        for key, plural in _template_messages(path).items():
            found[key] = (plural, path)
    return found


def test_the_extractor_sees_template_and_python_strings():
    """Guards the test below against finding nothing and so passing vacuously."""
    found = _messages_in_code()
    assert (None, "Skip to main content") in found  # {% translate %} in base.html
    assert found[(None, "%(counter)s organisation")][0] == "%(counter)s organisations"
    assert (None, "Welcome, %(name)s") in found  # {% blocktranslate with %}
    assert (None, "Ministry of labour") in found  # gettext_lazy in models.py
    assert (None, "English") in found  # settings.py


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_translatable_string_in_the_code_is_in_the_catalog(folder):
    catalog = {(e.msgctxt, e.msgid): e.msgid_plural or None for e in _live_entries(_po(folder))}
    missing = []
    for key, (plural, path) in sorted(_messages_in_code().items(), key=str):
        where = path.relative_to(PACKAGE)
        if key not in catalog:
            missing.append(f"{key[1]!r} ({where})")
        elif plural and catalog[key] != plural:
            missing.append(f"plural of {key[1]!r} ({where}): {catalog[key]!r} != {plural!r}")
    assert missing == [], f"{folder} lacks {len(missing)} message(s); {UPDATE_HINT}"


GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in GETTEXT_TOOLS),
    reason="GNU gettext is not installed (apt-get install gettext)",
)
def test_makemessages_on_the_code_finds_exactly_the_committed_messages(
    tmp_path, settings, monkeypatch
):
    """Run makemessages itself on a copy of the package, into a scratch locale folder."""
    copy = tmp_path / "capdev"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    scratch = tmp_path / "locale"
    scratch.mkdir()
    settings.LOCALE_PATHS = [str(scratch)]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], add_location="never", no_obsolete=True, verbosity=0)
    fresh = polib.pofile(str(scratch / "fr" / "LC_MESSAGES" / "django.po"))
    wanted = {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in _live_entries(fresh)}
    assert len(wanted) > 100
    for folder in FOLDERS:
        have = {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in _live_entries(_po(folder))}
        missing = sorted(wanted - have, key=str)
        stale = sorted(have - wanted, key=str)
        assert missing == [], f"{folder} lacks {len(missing)} message(s); {UPDATE_HINT}"
        assert stale == [], f"{folder} has messages no longer in the code; {UPDATE_HINT}"


# --- (d) pages come out in the visitor's language --------------------------------------------


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    language = translation.get_language()
    yield
    translation.activate(language)


def _log_in_heading(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match, "the log-in page has no <h1>"
    return match.group(1).strip()


def _lang_attribute(html: str) -> str:
    match = re.search(r'<html lang="([^"]*)">', html)
    assert match, "the page has no <html lang>"
    return match.group(1)


def _translated(folder: str, msgid: str) -> str:
    entry = _po(folder).find(msgid)
    assert entry is not None and entry.msgstr, f"{msgid!r} is not in the {folder} catalog"
    assert entry.msgstr != msgid
    return entry.msgstr


def test_the_log_in_page_is_english_by_default(client, db):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _lang_attribute(html) == "en"
    assert _log_in_heading(html) == "Log in"


@pytest.mark.parametrize(
    ("accept_language", "code", "folder"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr", "fr"),
        ("es-419,es;q=0.9", "es", "es"),
        ("zh-CN,zh;q=0.9", "zh-hans", "zh_Hans"),
    ],
)
def test_the_log_in_page_follows_the_browser_language(client, db, accept_language, code, folder):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE=accept_language)
    html = response.content.decode()
    assert response.status_code == 200
    assert _lang_attribute(html) == code
    assert _log_in_heading(html) == escape(_translated(folder, "Log in"))
    assert escape(_translated(folder, "Skip to main content")) in html


@pytest.mark.parametrize(("code", "folder"), LANGUAGES.items())
def test_the_language_chosen_on_the_page_sticks(client, db, code, folder):
    response = client.post("/i18n/setlang/", {"language": code, "next": "/login/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _lang_attribute(html) == code
    assert _log_in_heading(html) == escape(_translated(folder, "Log in"))


@pytest.mark.parametrize(("code", "folder"), LANGUAGES.items())
def test_counts_take_the_right_plural_form(code, folder):
    """A wrong or missing Plural-Forms header picks the wrong form at run time."""
    entry = _po(folder).find("%(counter)s organisation")
    assert entry is not None and entry.msgid_plural
    rule = _plural_rule(folder)
    for n in (0, 1, 2, 5, 21, 1_000_000):
        expected = entry.msgstr_plural[rule(n)] % {"counter": n}
        with translation.override(code):
            shown = translation.ngettext(entry.msgid, entry.msgid_plural, n) % {"counter": n}
        assert shown == expected, (code, n)
