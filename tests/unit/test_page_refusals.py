"""A refusal as the pages say it: in Romanian, naming the guide's rule and
what to do instead; in English when the person chose English."""

from gateway.problems import Problem, forbidden_role, hidden
from gateway.web.i18n import gettext_of
from gateway.web.refusals import explain

ro = gettext_of("ro")


def test_a_technician_refused_an_r2_act_is_told_the_rule_and_what_to_do():
    refusal = explain(forbidden_role("technician", "R2"), "cases.open_case", ro)
    assert refusal.message == "R2 — doar asistentul social coordonator deschide cazul"
    assert refusal.rule == "R2"
    assert "coordonatorul decide" in refusal.advice


def test_a_service_refusal_naming_a_rule_is_explained_the_same_way():
    problem = Problem(403, "no_active_coordination", "Forbidden", "R1: no contract", rule="R1")
    refusal = explain(problem, "cases.draft_document", ro)
    assert refusal.message.startswith("R1 — fără contract de coordonare activ")
    assert refusal.advice


def test_a_refusal_about_a_field_names_the_field():
    problem = Problem(422, "invalid_case_command", "Invalid", "text is required", field="text")
    refusal = explain(problem, "cases.draft_document", ro)
    assert refusal.field == "text"
    assert refusal.message == "Datele nu sunt valide."


def test_an_unknown_code_still_gets_a_romanian_sentence():
    refusal = explain(hidden("case"), "", ro)
    assert refusal.message == "Nu există sau nu îl puteți vedea."
    assert explain(Problem(400, "something_new", "Bad"), "", ro).message == (
        "Cererea nu a putut fi îndeplinită."
    )


def test_the_romanian_texts_use_the_comma_below_letters():
    from gateway import problem_texts
    from gateway.web import refusals, words

    texts = [*refusals.RULES.values(), *refusals.ADVICE.values()]
    texts += problem_texts.SENTENCES.values()
    texts += [*words.ACTS.values(), *words.ROLES.values()]
    for text in texts:
        assert not set(text) & {"ş", "ţ", "Ş", "Ţ"}, text


def test_in_english_the_same_refusal_reads_in_english():
    refusal = explain(forbidden_role("technician", "R2"), "cases.open_case", gettext_of("en"))
    assert refusal.message == "R2 — only the coordinating social worker opens the case"
