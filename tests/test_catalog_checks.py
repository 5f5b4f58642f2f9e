"""`catalog check`: every problem is its own line, FILE:LINE: severity: msgid "...": problem."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handouts import catalogs, cli, content, markup, render
from handouts.catalogs import kept_text, plurals, project, rules
from handouts.catalogs.glossary import Term
from handouts.catalogs.po import po_syntax_problem
from handouts.render import pdf as render_pdf
from handouts.sources import catalog_path
from tests.conftest import LOCALES

HEADER = """\
# Test catalog.
#
# Review-Status: unreviewed
# Drafted-By: test
# Second-Read-By:
# Reviewed-By:
# Reviewed-On:
msgid ""
msgstr ""
"Project-Id-Version: {version}\\n"
"Report-Msgid-Bugs-To: {bugs}\\n"
"Language: {code}\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: {plural}\\n"

"""
PLURALS = {"es": "nplurals=2; plural=(n != 1);", "fa": "nplurals=2; plural=(n != 0 && n != 1);",
           "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                 "(n%100<10 || n%100>=20) ? 1 : 2);"}

GOOD = '''\
msgid "Key takeaways"
msgstr "Puntos clave"

#, python-format
msgid "Content last reviewed: %(date)s."
msgstr "Contenido revisado por última vez: %(date)s."

msgid ""
"<strong>General information, not legal advice.</strong> Laws and policies "
"change: ask a lawyer about your own situation."
msgstr ""
"<strong>Información general, no asesoría legal.</strong> Las leyes y "
"políticas cambian: consulte a un abogado sobre su situación."

#, python-format
msgid "A consultation of up to %(num)s minute."
msgid_plural "A consultation of up to %(num)s minutes."
msgstr[0] "Una consulta de hasta %(num)s minuto."
msgstr[1] "Una consulta de hasta %(num)s minutos."
'''


def write_catalog(root: Path, body: str, code: str = "es", header: str = HEADER) -> Path:
    path = catalog_path(root, code)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header.format(code=code, plural=PLURALS.get(code) or plurals.plural_forms(code),
                                  version=project.project_id_version(),
                                  bugs=project.bugs_address()) + body, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def msgid_line(path: Path, needle: str) -> int:
    """The line of the msgid keyword of the message whose text contains needle."""
    lines = path.read_text(encoding="utf-8").splitlines()
    number = line_of(path, needle)
    while not lines[number - 1].startswith("msgid"):
        number -= 1
    return number


def run_check(capsys, root: Path, *codes: str) -> tuple[int, list[str], list[str]]:
    status = cli.main(["catalog", "check", *codes, "--locales-dir", str(root)])
    out = capsys.readouterr().out
    lines = out.splitlines()
    return (status, [line for line in lines if ": error: " in line],
            [line for line in lines if ": warning: " in line])


def test_clean_catalog_passes(tmp_path, capsys):
    write_catalog(tmp_path, GOOD)
    status, errors, warnings = run_check(capsys, tmp_path, "es")
    assert (status, errors, warnings) == (0, [], [])


# The four broken catalogs of the issue: each its own message, with file and line, exit 1.
BROKEN = {
    "wrong placeholder": (
        GOOD.replace("revisado por última vez: %(date)s.", "revisado por última vez: %(fecha)s."),
        'msgid "Content last reviewed: %(date)s."',
        'msgid "Content last reviewed: %(date)s.": placeholder %(fecha)s must be %(date)s as '
        "in the English: placeholders are copied, not translated"),
    "dropped tag": (
        GOOD.replace('"<strong>Información general, no asesoría legal.</strong> Las leyes y "',
                     '"Información general, no asesoría legal. Las leyes y "'),
        "<strong>General information",
        'msgid "<strong>General information, not legal advice.</strong> Law…": inline markup '
        "(none) does not match the English <strong> </strong>"),
    "broken PO line": (
        GOOD.replace('msgstr "Puntos clave"', 'msgstr "Puntos "clave""'),
        'msgstr "Puntos "clave""',
        "broken PO syntax: string not closed, or a \" inside it not written as \\\""),
    "missing plural form": (
        GOOD.replace('msgstr[1] "Una consulta de hasta %(num)s minutos."', 'msgstr[1] ""'),
        'msgid "A consultation of up to %(num)s minute."',
        'msgid "A consultation of up to %(num)s minute.": missing plural form msgstr[1] '
        '(CLDR "other": n = 0, 2, 3, ...)'),
}


@pytest.mark.parametrize("case", BROKEN)
def test_each_broken_catalog_names_file_line_and_problem(tmp_path, capsys, case):
    body, at, expected = BROKEN[case]
    path = write_catalog(tmp_path, body)
    status, errors, _ = run_check(capsys, tmp_path, "es")
    assert status == 1
    assert len(errors) == 1, errors
    line = line_of(path, at) if case == "broken PO line" else msgid_line(path, at)
    assert errors[0].startswith(f"{path}:{line}: error: ")
    assert expected in errors[0]


def test_the_four_problems_give_four_different_messages(tmp_path, capsys):
    reported = []
    for case, (body, _, _) in BROKEN.items():
        root = tmp_path / case.replace(" ", "-")
        write_catalog(root, body)
        _, errors, _ = run_check(capsys, root, "es")
        reported.append(errors[0].split(": error: ", 1)[1])
    assert len(set(reported)) == 4


def test_babel_detected_syntax_error_has_the_right_line(tmp_path, capsys):
    path = write_catalog(tmp_path, GOOD.replace('msgstr "Puntos clave"',
                                                'msgstr "Puntos clave"\nPuntos sueltos'))
    status, errors, _ = run_check(capsys, tmp_path, "es")
    assert status == 1
    assert errors[0].startswith(f"{path}:{line_of(path, 'Puntos sueltos')}: error: broken PO")


def test_unterminated_string_is_an_error_not_a_silently_cut_translation(tmp_path):
    path = write_catalog(tmp_path, GOOD.replace('msgstr "Puntos clave"', 'msgstr "Puntos clave'))
    with pytest.raises(catalogs.CatalogError) as err:
        catalogs.load("es", tmp_path)
    assert err.value.line == line_of(path, 'msgstr "Puntos clave')
    assert "string not closed" in str(err.value)


def test_duplicate_msgid_names_both_lines(tmp_path):
    path = write_catalog(tmp_path, GOOD + '\nmsgid "Key takeaways"\nmsgstr "Otra vez"\n')
    with pytest.raises(catalogs.CatalogError) as err:
        catalogs.load("es", tmp_path)
    first = line_of(path, 'msgid "Key takeaways"')
    assert err.value.line > first and f"first defined on line {first}" in str(err.value)


def test_unknown_escape_is_reported():
    assert po_syntax_problem('msgid "a"\nmsgstr "b \\q"\n')[0] == 2
    assert po_syntax_problem('msgid "a"\nmsgstr "b \\\\q \\n \\" \\t"\n') is None


def test_missing_plural_form_names_the_cldr_category(tmp_path):
    body = ('#, python-format\nmsgid "%(num)s minute"\nmsgid_plural "%(num)s minutes"\n'
            'msgstr[0] "%(num)s минута"\nmsgstr[1] "%(num)s минуты"\nmsgstr[2] ""\n')
    write_catalog(tmp_path, body, code="ru")
    issues = catalogs.load("ru", tmp_path).issues
    assert [i.problem for i in issues] == [
        'missing plural form msgstr[2] (CLDR "many": n = 0, 5, 6, ...)']


def test_wrong_plural_count_in_header_points_at_plural_forms_line(tmp_path, capsys):
    path = write_catalog(tmp_path, GOOD, code="ru", header=HEADER.replace("{plural}",
                                                                          PLURALS["es"]))
    status, errors, _ = run_check(capsys, tmp_path, "ru")
    assert status == 1
    assert any(e.startswith(f"{path}:{line_of(path, 'Plural-Forms')}: error: header "
                            "Plural-Forms gives nplurals=2; CLDR for ru") for e in errors)


def test_untranslated_and_fuzzy_are_listed_as_warnings(tmp_path, capsys):
    body = GOOD.replace('msgstr "Puntos clave"', 'msgstr ""') + (
        '\n#, fuzzy\n#| msgid "Your right"\nmsgid "Your rights"\nmsgstr "Su derecho"\n')
    path = write_catalog(tmp_path, body)
    status, errors, warnings = run_check(capsys, tmp_path, "es")
    assert status == 0 and errors == []
    assert f'{path}:{line_of(path, "Key takeaways")}: warning: msgid "Key takeaways": ' \
           "untranslated: prints in English" in warnings
    fuzzy = [w for w in warnings if '"Your rights"' in w]
    assert fuzzy and 'fuzzy: the English changed (it was "Your right")' in fuzzy[0]


def test_strict_turns_warnings_into_failure(tmp_path):
    write_catalog(tmp_path, GOOD.replace('msgstr "Puntos clave"', 'msgstr ""'))
    assert cli.main(["catalog", "check", "--locales-dir", str(tmp_path)]) == 0
    assert cli.main(["catalog", "check", "--strict", "--locales-dir", str(tmp_path)]) == 1


def test_changed_web_address_and_phone_are_errors():
    assert markup.kept_text_problems("See ice.gov/287g.", "Vea ice.gov/287g.") == []
    assert markup.kept_text_problems("See ice.gov/287g.", "Vea ice.gob/287g.") == [
        "web address ice.gov/287g is missing or changed; copy it exactly"]
    assert markup.kept_text_problems("Call (972) 656-0560.", "Llame al 972 656 0560.") == []
    assert markup.kept_text_problems("Call (972) 656-0560.", "اتصل ٩٧٢ ٦٥٦ ٠٥٦٠") == []
    assert markup.kept_text_problems("Call (972) 656-0560.", "Llame al (972) 656-0500.")


def test_web_address_check_runs_in_catalog_check(tmp_path, capsys):
    path = write_catalog(tmp_path, GOOD + '\nmsgid "Details: ice.gov/287g."\n'
                                          'msgstr "Detalles: ice.gob/287g."\n')
    status, errors, _ = run_check(capsys, tmp_path, "es")
    assert status == 1
    assert errors == [f'{path}:{line_of(path, "Details:")}: error: msgid "Details: '
                      'ice.gov/287g.": web address ice.gov/287g is missing or changed; copy '
                      "it exactly"]


# -- glossary -------------------------------------------------------------------------------

@pytest.mark.parametrize("english,found", [
    ("ICE may sign an agreement.", True), ("only ICE-trained officers", True),
    ("a local police force", False), ("free general advice", False), ("Ice cream", False),
    ("PRICE", False),
])
def test_glossary_term_is_a_case_sensitive_whole_word(english, found):
    assert bool(Term("ice", "ICE").pattern.search(english)) is found


def test_glossary_term_allows_the_english_plural():
    assert Term("detainer", "detainer").pattern.search("serve warrants and detainers")
    assert not Term("detainer", "detainer").pattern.search("detainerships")


def _glossary_root(tmp_path: Path, body: str, forms: str) -> Path:
    (tmp_path / "glossary.toml").write_text(
        '[terms.ice]\nen = "ICE"\nnote = "acronym"\n\n'
        '[terms.detainer]\nen = "detainer"\n', encoding="utf-8")
    write_catalog(tmp_path, body)
    (tmp_path / "es" / "glossary.toml").write_text(forms, encoding="utf-8")
    return tmp_path


def test_missing_glossary_term_is_a_warning_with_both_files(tmp_path, capsys):
    body = ('msgid "ICE may ask a jail to hold a person: a detainer."\n'
            'msgstr "La migra puede pedir a una cárcel que retenga a alguien: una orden."\n'
            '\nmsgid "The local police give free advice."\n'
            'msgstr "La policía local da asesoría gratuita."\n')
    root = _glossary_root(tmp_path, body,
                          '[terms]\nice = ["ICE"]\ndetainer = ["Solicitud de retención"]\n')
    status, errors, warnings = run_check(capsys, root, "es")
    assert status == 0 and errors == []
    glossary_warnings = [w for w in warnings if "glossary:" in w]
    assert len(glossary_warnings) == 2  # ICE and detainer, in the first message only
    assert all('msgid "ICE may ask a jail' in w for w in glossary_warnings)
    assert f'the English has "ICE", the translation none of its agreed forms "ICE" ' \
           f'({root / "es" / "glossary.toml"}:2)' in glossary_warnings[0] + glossary_warnings[1]


def test_glossary_forms_match_case_insensitively_and_across_markup(tmp_path, capsys):
    body = ('msgid "<strong>ICE</strong> serves the detainer."\n'
            'msgstr "<strong>Ice</strong> entrega la solicitud de <em></em>retención."\n')
    root = _glossary_root(tmp_path, body,
                          '[terms]\nice = ["ICE"]\ndetainer = ["SOLICITUD DE RETENCIÓN"]\n')
    _, _, warnings = run_check(capsys, root, "es")
    assert not [w for w in warnings if "glossary:" in w]


def test_glossary_file_problems_are_reported_with_lines(tmp_path, capsys):
    root = _glossary_root(tmp_path, GOOD, '[terms]\nice = ["ICE"]\nwarrant = ["orden"]\n')
    _, _, warnings = run_check(capsys, root, "es")
    assert any(w.startswith(f"{root / 'es' / 'glossary.toml'}:3: warning: unknown term "
                            "'warrant'") for w in warnings)
    (root / "es" / "glossary.toml").write_text("[terms]\nice = [\n", encoding="utf-8")
    status, errors, _ = run_check(capsys, root, "es")
    assert status == 1 and "invalid TOML" in errors[0]


# -- length, header, review -----------------------------------------------------------------

def test_far_longer_or_shorter_than_usual_is_flagged():
    assert rules.length_problem("What trained officers may do", "x" * 30, 1.1) is None
    assert "repeated or added" in rules.length_problem(
        "What trained officers may do", "x" * 80, 1.1)
    assert "part of the message missing" in rules.length_problem(
        "What trained officers may do", "xxxxxx", 1.1)
    # Chinese is narrower than English; judged against its own usual ratio, not 1.0.
    assert rules.length_problem("What trained officers may do",
                                         "受过培训的警员可以做什么", 0.7) is None


def test_length_outlier_found_in_a_catalog(tmp_path, capsys):
    body = GOOD.replace('"políticas cambian: consulte a un abogado sobre su situación."',
                        '"políticas cambian: consulte a un abogado sobre su situación. "\n'
                        + '"Las leyes y políticas cambian: consulte a un abogado. " \n' * 3)
    write_catalog(tmp_path, body)
    _, errors, warnings = run_check(capsys, tmp_path, "es")
    assert errors == []
    assert any("<strong>General information" in w and "repeated or added" in w for w in warnings)


def test_stray_whitespace_is_a_warning(tmp_path, capsys):
    write_catalog(tmp_path, GOOD.replace('msgstr "Puntos clave"', 'msgstr "Puntos clave\\n"'))
    status, _, warnings = run_check(capsys, tmp_path, "es")
    assert status == 0
    assert any('"Key takeaways": translation starts or ends with a space or line break' in w
               for w in warnings)


def test_half_finished_sign_off_is_an_error(tmp_path, capsys):
    header = HEADER.replace("# Review-Status: unreviewed", "# Review-Status: reviewed")
    path = write_catalog(tmp_path, GOOD, header=header)
    status, errors, _ = run_check(capsys, tmp_path, "es")
    assert status == 1
    assert errors == [f"{path}:{line_of(path, 'Review-Status')}: error: Review-Status is "
                      "'reviewed' but Reviewed-By and Reviewed-On are empty, so the handout still "
                      "says the translation is unchecked: sign off with a name and a date"]


def test_language_header_must_match_the_folder(tmp_path, capsys):
    path = write_catalog(tmp_path, GOOD,
                         header=HEADER.replace('"Language: {code}', '"Language: fr'))
    status, errors, _ = run_check(capsys, tmp_path, "es")
    assert status == 1
    assert errors[0].startswith(f"{path}:{line_of(path, 'Language: fr')}: error: header says "
                                "Language: fr")


def test_catalog_out_of_step_with_the_template_is_a_warning(tmp_path, capsys):
    write_catalog(tmp_path, GOOD + '\nmsgid "Old sentence"\nmsgstr "Frase vieja"\n')
    shutil.copy(LOCALES / "messages.pot", tmp_path / "messages.pot")
    status, _, warnings = run_check(capsys, tmp_path, "es")
    assert status == 0
    assert any('msgid "Old sentence": not in messages.pot any more' in w for w in warnings)
    assert any("of messages.pot are not in this catalog yet" in w for w in warnings)


def test_shipped_catalogs_have_no_errors():
    results = catalogs.check_catalogs(catalogs.available_locales(LOCALES), LOCALES)
    errors = [str(i) for issues in results.values() for i in issues if i.severity == "error"]
    assert errors == []


# -- numbers, addresses, brackets, messages left in English ---------------------------------

def _planted(tmp_path: Path, english: str, translation: str, code: str = "es") -> Path:
    """GOOD plus one message; the caller runs the check."""
    return write_catalog(tmp_path, GOOD + f'\nmsgid "{english}"\nmsgstr "{translation}"\n',
                         code=code)


def test_changed_number_is_an_error_at_its_line(tmp_path, capsys):
    path = _planted(tmp_path, "A jail may hold someone for up to 48 hours.",
                    "Una cárcel puede retener a alguien hasta 24 horas.")
    status, errors, _ = run_check(capsys, tmp_path, "es")
    assert status == 1
    assert errors == [f'{path}:{msgid_line(path, "48 hours")}: error: msgid "A jail may hold '
                      'someone for up to 48 hours.": number 48 of the English is missing or '
                      "changed (it has 24): write 48"]


def test_dropped_number_is_an_error_in_the_locales_digits(tmp_path, capsys):
    path = _planted(tmp_path, "The law dates from 1996.", "قانون قدیمی است.", code="fa")
    status, errors, _ = run_check(capsys, tmp_path, "fa")
    assert status == 1
    assert errors == [f'{path}:{msgid_line(path, "1996")}: error: msgid "The law dates from '
                      '1996.": number 1996 of the English is missing or changed: write 1996 '
                      "(or ۱۹۹۶, in this locale's digits)"]


@pytest.mark.parametrize("code,english,translation", [
    ("fa", "up to 48 hours, since 1996", "تا ۴۸ ساعت، از ۱۹۹۶"),
    ("es", "1,000 officers in 2 states", "1.000 agentes en 2 estados"),
    ("fr", "1,000 officers", "1\u202f000 agents"),
    ("es", "Form I-200 or I-205, 287(g)", "Formulario I-205 o I-200, 287(g)"),
    ("es", "Call (972) 656-0560 for 40 minutes", "Llame al 972 656 0560: 40 minutos"),
])
def test_the_same_number_in_other_digits_or_grouping_passes(tmp_path, code, english,
                                                             translation):
    subject = rules.Subject(catalogs.read_catalog_file(_planted(tmp_path, english, translation,
                                                                code)), None, code,
                            catalogs.ReviewStatus())
    message = subject.catalog[english]
    assert list(kept_text.numbers(subject, message)) == []
    assert kept_text.numbers_in("١٬٠٠٠ and ٤٨", "٬") == ["1000", "48"]


def test_changed_or_added_email_web_address_and_phone_are_errors():
    assert markup.kept_text_problems("Write to help@ice.gov.", "Escriba a ayuda@ice.gov.") == [
        "email address help@ice.gov is missing or changed; copy it exactly"]
    assert markup.kept_text_problems("See the law.", "Vea la ley en uscis.gov/es.") == [
        "web address uscis.gov/es is not in the English: copy the English's exactly"]
    assert markup.kept_text_problems("Call a lawyer.", "Llame al (972) 656-0500.") == [
        "phone number (972) 656-0500 is not in the English: copy the English's exactly"]
    assert markup.kept_text_problems("Write to help@ice.gov.", "Escriba a help@ice.gov.") == []


def test_email_check_runs_in_catalog_check(tmp_path, capsys):
    path = _planted(tmp_path, "Write to help@ice.gov.", "Escriba a help@ice.gob.")
    status, errors, _ = run_check(capsys, tmp_path, "es")
    assert status == 1
    assert errors == [f'{path}:{msgid_line(path, "help@ice.gov")}: error: msgid "Write to '
                      'help@ice.gov.": email address help@ice.gov is missing or changed; copy '
                      "it exactly"]


@pytest.mark.parametrize("text,problem", [
    ("Un agente (ICE", "( is never closed (with ))"),
    ("Un agente ICE)", ") closes nothing"),
    ("Il dit «non", "« is never closed (with »)"),
    ("他说「不", "「 is never closed (with 」)"),
    ("Er sagt „nein", "„ is never closed (with “ or ”)"),
    ("«oui» et (non)", None), ("「是」和『否』", None), ("„ja“ und „nein”", None),
    ("“yes” and ”ja”", None), ("»ja« und (nein)", None), ("l’agent %(num)s", None),
])
def test_unbalanced_brackets_and_quotes_per_script(text, problem):
    found = kept_text.unbalanced(text)
    assert (found is None) if problem is None else (found and found.startswith(problem))


def test_unbalanced_bracket_is_a_warning_at_its_line(tmp_path, capsys):
    path = _planted(tmp_path, "Ask ICE (the agency).", "Pregunte a ICE (la agencia.")
    status, errors, warnings = run_check(capsys, tmp_path, "es")
    assert status == 0 and errors == []
    assert warnings == [f'{path}:{msgid_line(path, "the agency")}: warning: msgid "Ask ICE '
                        '(the agency).": ( is never closed (with )): a bracket or quotation '
                        "mark is unbalanced"]


def test_message_left_in_english_is_a_warning_unless_the_glossary_allows_it(tmp_path, capsys):
    path = write_catalog(tmp_path, GOOD + '\nmsgid "Address"\nmsgstr "Address"\n'
                         '\nmsgid "WhatsApp"\nmsgstr "WhatsApp"\n')
    status, _, warnings = run_check(capsys, tmp_path, "es")
    assert status == 0
    assert [w.split(": warning: ")[1] for w in warnings] == [
        'msgid "Address": translation is the English text unchanged; if it is right (a name, '
        'a loanword), list it in locales/es/glossary.toml: same_as_english = ["Address"]',
        'msgid "WhatsApp": translation is the English text unchanged; if it is right (a name, '
        'a loanword), list it in locales/es/glossary.toml: same_as_english = ["WhatsApp"]']
    assert warnings[0].startswith(f"{path}:{msgid_line(path, 'Address')}: warning: ")
    (tmp_path / "glossary.toml").write_text('same_as_english = ["WhatsApp"]\n[terms.ice]\n'
                                            'en = "ICE"\n', encoding="utf-8")
    (tmp_path / "es" / "glossary.toml").write_text('same_as_english = ["Address"]\n[terms]\n'
                                                   'ice = ["ICE"]\n', encoding="utf-8")
    assert run_check(capsys, tmp_path, "es") == (0, [], [])


@pytest.mark.parametrize("field", ["Language", "Plural-Forms"])
def test_missing_language_or_plural_forms_header_is_an_error(tmp_path, capsys, field):
    header = re.sub(rf'"{field}: [^"]*"\n', "", HEADER)
    path = write_catalog(tmp_path, GOOD, header=header)
    status, errors, _ = run_check(capsys, tmp_path, "es")
    assert status == 1
    paste = "Language: es" if field == "Language" else \
        "Plural-Forms: nplurals=2; plural=(n != 1);"
    line = line_of(path, 'msgstr ""')
    assert any(e.startswith(f"{path}:{line}: error: no {field} header")
               and e.endswith(f'add the header line "{paste}\\n"') for e in errors), errors


def test_stale_plural_forms_header_gets_the_header_to_paste(tmp_path, capsys):
    """Amharic with Babel's old table: 0 in "other", where CLDR puts it in "one"."""
    path = write_catalog(tmp_path, GOOD, code="am",
                         header=HEADER.replace("{plural}", PLURALS["es"]))
    status, errors, _ = run_check(capsys, tmp_path, "am")
    assert status == 1
    assert errors == [f"{path}:{line_of(path, 'Plural-Forms')}: error: header Plural-Forms puts "
                      'n = 0 in msgstr[1], CLDR in msgstr[0] ("one"); CLDR for am says '
                      "'nplurals=2; plural=(n != 0 && n != 1);' (forms: one, other): replace "
                      'the header with "Plural-Forms: nplurals=2; plural=(n != 0 && n != 1);'
                      '\\n"']


@pytest.mark.parametrize("plural,forms", [
    ("nplurals=2; plural=n!=1;", 2),
    ("nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);", 3),  # Weblate
])
def test_a_header_that_agrees_with_cldr_is_accepted(tmp_path, capsys, plural, forms):
    body = GOOD + ('' if forms == 2 else 'msgstr[2] "Una consulta de hasta %(num)s minutos."\n')
    write_catalog(tmp_path, body, header=HEADER.replace("{plural}", plural))
    assert run_check(capsys, tmp_path, "es") == (0, [], [])


def test_a_locale_outside_cldr_is_checked_against_its_stated_rule(tmp_path):
    """Mam (mam) is not in CLDR: with no rule its header cannot be checked (an error); with
    the rule its locale definition states, the header is held to that rule."""
    path = write_catalog(tmp_path, GOOD, code="es")
    catalog = catalogs.read_catalog_file(path)
    def plural_issues(rule):
        subject = rules.Subject(catalog, path, "mam", catalogs.ReviewStatus(), plural_rule=rule)
        return [i.problem for i in rules.run(subject) if i.kind == "plural-forms"]
    assert plural_issues(None) == ["no CLDR plural rule for 'mam', so its Plural-Forms cannot "
                                   "be checked: state the locale's rule (see TRANSLATING.md)"]
    assert plural_issues("one: n = 1") == []
    assert plural_issues({}) and "nplurals=1" in plural_issues({})[0]


def test_old_project_version_and_placeholder_bugs_address_are_warnings(tmp_path, capsys):
    header = HEADER.replace("{version}", "287g-handouts 0.1").replace("{bugs}", "EMAIL@ADDRESS")
    path = write_catalog(tmp_path, GOOD, header=header)
    status, errors, warnings = run_check(capsys, tmp_path, "es")
    assert status == 0 and errors == []
    assert warnings == [
        f"{path}:{line_of(path, 'Project-Id-Version')}: warning: Project-Id-Version is "
        f"'287g-handouts 0.1', the project is '{project.project_id_version()}' (pyproject.toml):"
        " run `python build_pdf.py catalog update`",
        f"{path}:{line_of(path, 'Report-Msgid-Bugs-To')}: warning: Report-Msgid-Bugs-To "
        "'EMAIL@ADDRESS' is a placeholder: run `python build_pdf.py catalog update`, or write "
        f'"Report-Msgid-Bugs-To: {project.bugs_address()}\\n"']


# -- GNU gettext and translate-toolkit agree -------------------------------------------------

def msgfmt(path: Path) -> subprocess.CompletedProcess:
    if not shutil.which("msgfmt"):
        pytest.fail("msgfmt not found: install gettext (scripts/system-deps.sh --test)")
    return subprocess.run(["msgfmt", "--check", "--check-format", "--check-header", "-o",
                           os.devnull, str(path)], capture_output=True, text=True)


@pytest.mark.parametrize("code", [c for c in catalogs.available_locales(LOCALES) if c != "en"])
def test_msgfmt_accepts_every_shipped_catalog(code):
    result = msgfmt(catalog_path(LOCALES, code))
    assert (result.returncode, result.stderr) == (0, "")


PLANTED_FOR_MSGFMT = {
    "no Plural-Forms header": (GOOD, lambda h: re.sub(r'"Plural-Forms: [^"]*"\n', "", h)),
    "more forms than nplurals": (
        GOOD + '\n#, python-format\nmsgid "%(num)s hour"\nmsgid_plural "%(num)s hours"\n'
        'msgstr[0] "%(num)s hora"\nmsgstr[1] "%(num)s horas"\nmsgstr[2] "%(num)s horas"\n',
        None),
    "placeholder renamed": (GOOD.replace("vez: %(date)s.", "vez: %(fecha)s."), None),
    "string not closed": (GOOD.replace('msgstr "Puntos clave"', 'msgstr "Puntos clave'), None),
    "duplicate msgid": (GOOD + '\nmsgid "Key takeaways"\nmsgstr "Lo esencial"\n', None),
    "plural expression gettext cannot read": (
        GOOD, lambda h: h.replace("{plural}", "nplurals=2; plural=(n !=);")),
}


@pytest.mark.parametrize("case", PLANTED_FOR_MSGFMT)
def test_msgfmt_and_the_check_both_refuse_a_planted_defect(tmp_path, capsys, case):
    body, change = PLANTED_FOR_MSGFMT[case]
    path = write_catalog(tmp_path, body, header=change(HEADER) if change else HEADER)
    assert msgfmt(path).returncode != 0
    assert run_check(capsys, tmp_path, "es")[0] == 1


POFILTER_TESTS = ("numbers", "untranslated", "printf", "variables", "pythonbraceformat", "urls",
                  "emails", "nplurals")


def pofilter(folder: Path, out: Path) -> dict[tuple[str, str], list[str]]:
    """What pofilter flags in these categories: {(locale, msgid): [test, ...]}."""
    command = Path(sys.executable).with_name("pofilter")
    if not command.exists():
        pytest.fail("pofilter not found: pip install -e '.[test]' (translate-toolkit)")
    subprocess.run([str(command), "--progress=none", *(f"-t{t}" for t in POFILTER_TESTS),
                    "-i", str(folder), "-o", str(out)], check=True, capture_output=True)
    found: dict[tuple[str, str], list[str]] = {}
    for po in out.glob("*/LC_MESSAGES/messages.po"):
        for message in catalogs.read_catalog_file(po):
            tests = [c.split(")", 1)[1].split(":")[0].strip() for c in message.user_comments
                     if c.startswith("(pofilter)")]
            if message.id and tests:
                found[po.parent.parent.name, catalogs.msgid_of(message)] = tests
    return found


def _caught(locales: Path) -> set[tuple[str, str]]:
    results = catalogs.check_catalogs(catalogs.available_locales(locales), locales)
    return {(code, i.msgid) for code, issues in results.items() for i in issues if i.msgid}


def _same_numbers(code: str, message) -> bool:
    """pofilter's "numbers" compares digits as written: ۴۸ is not 48 to it. Same values."""
    english, text = catalogs.msgid_of(message), message.string
    return sorted(kept_text.numbers_in(english)) == sorted(kept_text.numbers_in(text, "٬"))


def test_pofilter_finds_nothing_the_check_misses(tmp_path):
    found = pofilter(LOCALES, tmp_path / "out")
    caught = _caught(LOCALES)
    missed = []
    for (code, msgid), tests in found.items():
        message = catalogs.load(code, LOCALES).catalog.get(msgid)
        if (code, msgid) not in caught and not (tests == ["numbers"]
                                                and _same_numbers(code, message)):
            missed.append((code, msgid, tests))
    assert missed == []


def test_pofilter_and_the_check_both_find_planted_defects(tmp_path):
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES, copy)
    es = catalog_path(copy, "es")
    text = es.read_text(encoding="utf-8")
    planted = {"numbers": ("48 horas", "24 horas"),
               "printf": ("última vez: %(date)s.", "última vez: %(fecha)s."),
               "untranslated": ('msgstr "Puntos clave"', 'msgstr ""')}
    for old, new in planted.values():
        assert old in text
        text = text.replace(old, new, 1)
    es.write_text(text, encoding="utf-8")
    found = {t for (code, _), tests in pofilter(copy, tmp_path / "out").items() if code == "es"
             for t in tests}
    assert set(planted) <= found
    caught = catalogs.check_catalog("es", copy)
    assert {i.kind for i in caught} >= {"number", "placeholder", "untranslated"}

# -- fit attribution ------------------------------------------------------------------------

def test_display_width_counts_wide_characters_double():
    assert markup.display_width("Key takeaways") == 13
    assert markup.display_width("关键要点") == 8
    assert markup.display_width("<strong>As of %(date)s:</strong>") == len("As of ") + 8 + 1


def test_overflow_names_the_message_that_grew_most(tmp_path, monkeypatch):
    """A handout that cannot fit says which translations to shorten, with their lines."""
    grown = "Si usted o alguien que conoce es detenido, hable con un abogado. " * 12
    longer = "Los agentes que ICE ha capacitado pueden hacer parte del trabajo migratorio " \
             "(1996, 2002). " * 5
    body = GOOD + ('\nmsgid ""\n"If you or someone you know is stopped, held in jail or contacted '
                   'by ICE, talk "\n"to an immigration lawyer as soon as possible. Acting early '
                   'keeps more "\n"options open."\n' f'msgstr "{grown}"\n'
                   '\nmsgid ""\n"Taking part is voluntary: no state, county or city has to sign. '
                   'The law dates "\n"from 1996; the first agreement was signed in 2002."\n'
                   f'msgstr "{longer}"\n')
    path = write_catalog(tmp_path, body)
    loaded = catalogs.load("es", tmp_path)
    assert not loaded.issues
    # one layout is enough (the fit loop reads the module's TYPE_SCALES)
    monkeypatch.setattr(render_pdf, "TYPE_SCALES", render.TYPE_SCALES[-1:])
    from handouts.build.matrix import renderer
    from handouts.contact import load_contact
    from handouts.sources import default_contact_file
    from tests.conftest import TEMPLATES
    # Half a letter page: too small for the flyer in any language, so the fit always fails.
    half = dataclasses.replace(content.PAPERS["letter"], name="half-letter",
                               css_size="8.5in 5.5in", height_pt=396.0)
    with pytest.raises(render.FitError) as err:
        renderer(TEMPLATES).fit(render.Document(content.HANDOUTS["287g-basics"], loaded, half,
                                                load_contact(default_contact_file())))
    top, second = err.value.grown[:2]
    assert top.msgid.startswith("If you or someone you know is stopped")
    assert second.msgid.startswith("Taking part is voluntary")
    assert top.line == msgid_line(path, "If you or someone you know") and top.ratio > 4
    message = str(err.value)
    assert "grew most relative to English" in message and str(path) in message
    assert re.search(rf'line {top.line} msgid "If you or someone you know is stopped.*'
                     r"\(\d+\.\dx the English, \+\d+ columns\)", message)


def test_a_plural_forms_header_gettext_cannot_read_is_an_error_not_a_crash(tmp_path):
    """Found by test_property_based: a control character inside the Plural-Forms expression
    made gettext raise while the translator compiled the catalog."""
    from handouts.sources import catalog_path
    shutil.copytree(LOCALES, tmp_path / "locales")
    po = catalog_path(tmp_path / "locales", "es")
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("plural=(n != 1)", "plural=(n != \x011)", 1), encoding="utf-8")
    loaded = catalogs.load("es", tmp_path / "locales")
    assert any(i.kind == "plural-forms" for i in loaded.errors)
    assert loaded.translator().gettext("Key takeaways") == "Puntos clave"
