"""The rules a refusal names (DESIGN §3, issue 19): the guide's R1–R10, and
the scope rule for what is refused by role, municipality or relation where
no rule of the guide applies. Each is said here once, in Romanian; the web
app's English catalogue (``gateway/web/locale``) translates it, so that a
problem of the API (``rule_text``) and a page say the same words.
"""

from __future__ import annotations

from collections.abc import Callable

from gateway.web.i18n import gettext_of
from gateway.web.words import ACTS

SCOPE = "scope"
# What each rule says; R2's names the act refused: "doar asistentul social
# coordonator deschide cazul"
RULES = {
    "R1": "fără contract de coordonare activ, tehnicianul nu poate acționa",
    "R2": "doar asistentul social coordonator {act}",
    "R3": "ce redactează tehnicianul validează asistentul social coordonator",
    "R4": "o verificare cu neconcordanțe (situația B) o decide asistentul social",
    "R5": "experiența coordonatorului trebuie să acopere categoriile tehnicianului",
    "R6": "cel puțin 40 de ore de coordonare pe lună pentru fiecare contract",
    "R7": "termenele ghidului trebuie respectate",
    "R8": "închiderea cere raportul final validat și o perioadă de monitorizare",
    "R9": "ce observă tehnicianul ajunge doar la coordonatorul său",
    "R10": "coordonarea se încheie sau se predă cu tot istoricul",
    SCOPE: (
        "fiecare face doar ce îi permite rolul, în localitatea sa "
        "și pentru persoanele cu care lucrează"
    ),
}
# The rule's words for a refusal whose code says more than its rule: no act
# of the social worker's either, by the code of its error
BY_CODE = {
    "administrative_work_not_delegated": (
        "verificarea prestațiilor este activitate administrativă, în afara coordonării: "
        "nu se deleagă, tehnicianul o face ca atribuție proprie"
    ),
    "benefit_check_needs_coordinator": (
        "o verificare cu neconcordanțe (situația B) cere contrasemnătura coordonatorului, "
        "deci un contract de coordonare activ; una fără neconcordanțe (situația A) nu"
    ),
    "nobody_signs_for_the_beneficiary": (
        "nimeni nu semnează în numele beneficiarului, nici asistentul social"
    ),
}
DEFAULT_ACT = "face acest act"
LANGUAGES = ("ro", "en")


def said(rule: str, operation: str, _: Callable[[str], str], code: str = "") -> str:
    """``rule`` in the words of ``_``'s language; ``operation`` (a service
    operation, ``open_case``) names the act R2 refused, ``code`` the
    refusal's own words where it has them (``BY_CODE``)."""
    text = BY_CODE.get(code) or RULES[rule]
    return _(text).format(act=_(ACTS.get(operation, DEFAULT_ACT)))


def rule_text(rule: str, operation: str = "", code: str = "") -> dict[str, str]:
    """What a problem answer says of its rule: ``{"ro": …, "en": …}``; empty
    for a rule named nowhere here."""
    if rule not in RULES:
        return {}
    return {language: said(rule, operation, gettext_of(language), code) for language in LANGUAGES}
