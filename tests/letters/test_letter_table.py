"""The table of what each letter says, per letter kind × outcome × language (issue 17): the
elements that must appear (the ground the officer chose, the remedies with the Autoriteit
Persoonsgegevens, the court and the six-week term of UAVG art. 35 where a request is refused,
the Awb route for a public body) and those that must not (an Art 12(5) accusation nobody
chose, "vinden", a refusal of an objection worded as a refusal of a request, a date that has
passed, another citation style).

The letters are rendered to HTML with the templates the PDF is made from (faster than
WeasyPrint, the same words); test_letter_text.py reads the PDFs themselves."""

import datetime
import html
import re

import pytest
import time_machine

from cases import services as case_services
from letters import rendering, services
from letters.models import LetterType, OrganisationProfile
from tests import factories

pytestmark = pytest.mark.django_db

# The cases are received on 5 March 2026 (due 2 April, extended 2 June); letters are dated
# 20 March unless a row says otherwise.
LETTER_DATE = datetime.date(2026, 3, 20)

REMEDIES = {
    "nl": [
        "klacht in te dienen bij de Autoriteit Persoonsgegevens",
        "(artikel 77 AVG)",
        "naar de rechter stappen (artikel 79 AVG)",
        "binnen zes weken nadat u deze brief heeft ontvangen (artikel 35, tweede lid, UAVG)",
    ],
    "en": [
        "lodge a complaint with the Dutch Data Protection Authority",
        "(Article 77 GDPR)",
        "go to court (Article 79 GDPR)",
        "within six weeks of receiving this letter (Article 35(2) of the Dutch GDPR "
        "Implementation Act, UAVG)",
    ],
}
AWB_REMEDIES = {
    "nl": [
        "besluit in de zin van de Algemene wet bestuursrecht",
        "een bezwaarschrift indienen bij het college van burgemeester en wethouders van "
        "Voorbeeldstad",
        "beroep instellen bij de rechtbank (artikel 8:1 Awb)",
        "klacht in te dienen bij de Autoriteit Persoonsgegevens",
    ],
    "en": [
        "decision (besluit) within the meaning of the Dutch General Administrative Law Act",
        "notice of objection (bezwaarschrift) with het college van burgemeester en wethouders "
        "van Voorbeeldstad",
        "appeal against it to the district court (rechtbank) (Article 8:1 Awb)",
        "lodge a complaint with the Dutch Data Protection Authority",
    ],
}
NOT_PUBLIC = {"nl": ["artikel 79 AVG", "artikel 35"], "en": ["Article 79 GDPR", "Article 35"]}
NOT_PRIVATE = {"nl": ["Awb", "bezwaarschrift"], "en": ["Awb", "notice of objection"]}
# Never, in any letter: a template left unrendered, the other citation styles, "vinden".
NEVER = {
    "nl": ["{{", "{%", "art. 15 lid", "Uitvoeringswet AVG", "grotendeels", " vóór "],
    "en": ["{{", "{%", "Art. 15(", "most of your data"],
}
NEVER_PATTERNS = {"nl": [r"\bvind(en|t)\b", r"\b(je|jij|jouw)\b"], "en": []}
ACCUSATION = {"nl": "kennelijk ongegrond", "en": "manifestly unfounded"}
PUBLIC_BODY = "het college van burgemeester en wethouders van Voorbeeldstad"
# A mother's request for her son (the representative's e-mail and address are the case's).
REPRESENTED = {"subject_name": "Tim de Vries", "representative_name": "Marieke de Vries",
               "representative_details": "moeder"}  # fmt: skip


def row(letter, request_type, outcome, fields, nl, en, *, public=False, extended=False,
        letter_date=LETTER_DATE, case_fields=None):  # fmt: skip
    """One line of the table: ``nl`` and ``en`` are (must appear, must not appear)."""
    return pytest.param(
        letter, request_type, fields, {"nl": nl, "en": en}, public, extended, letter_date,
        case_fields or {}, id=f"{letter}-{request_type}-{outcome}",
    )  # fmt: skip


TABLE = [
    # --- Refusals: the ground is the officer's, worded with "achten" -------------------------
    row(LetterType.REFUSAL, "access", "unfounded",
        {"ground": "unfounded", "reasons": "U vraagt om gegevens die u gisteren ontving."},
        (["Wij wijzen uw verzoek af.",
          "Wij achten uw verzoek kennelijk ongegrond (artikel 12, vijfde lid, AVG)",
          "wij moeten kunnen aantonen dat uw verzoek kennelijk ongegrond is", *REMEDIES["nl"]],
         NOT_PRIVATE["nl"]),
        (["We refuse your request.",
          "We consider your request manifestly unfounded (Article 12(5) GDPR)",
          "it is for us to demonstrate that your request is manifestly unfounded",
          *REMEDIES["en"]], NOT_PRIVATE["en"])),
    row(LetterType.REFUSAL, "access", "excessive",
        {"ground": "excessive", "reasons": "Dit is uw zesde gelijke verzoek dit jaar."},
        (["Wij achten uw verzoek buitensporig", "wij moeten kunnen aantonen",
          *REMEDIES["nl"]], []),
        (["We consider your request excessive", "it is for us to demonstrate",
          *REMEDIES["en"]], [])),
    row(LetterType.REFUSAL, "rectification", "data-accurate",
        {"ground": "data_accurate", "checked": "Uw geboortedatum in de BRP-uittreksel van 2024.",
         "reasons": "Uw geboortedatum klopt."},
        (["Wij achten de gegevens die u wilt laten corrigeren juist en volledig",
          "(artikel 16 AVG)", "Wat wij hebben gecontroleerd",
          "Uw geboortedatum in de BRP-uittreksel van 2024.",
          "artikel 18, eerste lid, onder a, AVG", *REMEDIES["nl"]],
         ["identiteit", "artikel 12, vijfde lid"]),
        (["We consider the data you asked us to rectify accurate and complete",
          "(Article 16 GDPR)", "What we checked",
          "Uw geboortedatum in de BRP-uittreksel van 2024.", "Article 18(1)(a) GDPR",
          *REMEDIES["en"]], ["identity", "Article 12(5)"])),
    row(LetterType.REFUSAL, "restriction", "not-applicable",
        {"ground": "18_1_not_met", "reasons": "U betwist de juistheid niet."},
        (["(artikel 18, eerste lid, AVG)", *REMEDIES["nl"]], []),
        (["(Article 18(1) GDPR)", *REMEDIES["en"]], [])),
    row(LetterType.REFUSAL, "portability", "not-applicable",
        {"ground": "20_not_applicable", "reasons": "Het gaat om gegevens uit onze eigen analyse."},
        (["(artikel 20, eerste lid, AVG)", *REMEDIES["nl"]], []),
        (["(Article 20(1) GDPR)", *REMEDIES["en"]], [])),
    row(LetterType.REFUSAL, "access", "identity",
        {"ground": "identity", "reasons": "Het e-mailadres hoort niet bij een klant."},
        (["Wij hebben niet kunnen vaststellen dat u de persoon bent",
          "(artikel 12, tweede en zesde lid, AVG)", *REMEDIES["nl"]], []),
        (["We have not been able to establish that you are the person",
          "(Article 12(2) and (6) GDPR)", *REMEDIES["en"]], [])),
    row(LetterType.REFUSAL, "access", "uavg-41",
        {"ground": "uavg_41", "uavg_interest": "d",
         "reasons": "Er loopt een strafrechtelijk onderzoek waarover wij niets mogen zeggen."},
        (["artikel 41, eerste lid, onder d, UAVG (met artikel 23 AVG)",
          "de opsporing en de vervolging van strafbare feiten", *REMEDIES["nl"]], []),
        (["Article 41(1)(d) of the Dutch GDPR Implementation Act, UAVG (with Article 23 GDPR)",
          "prosecution of criminal offences", *REMEDIES["en"]], [])),
    row(LetterType.REFUSAL, "erasure", "legal-obligation",
        {"ground": "17_3_b_obligation",
         "legal_basis": "artikel 52 Algemene wet inzake rijksbelastingen",
         "reasons": "Facturen bewaren wij zeven jaar."},
        (["wettelijke verplichting: artikel 52 Algemene wet inzake rijksbelastingen "
          "(artikel 17, derde lid, onder b, AVG)", *REMEDIES["nl"]], []),
        (["legal obligation: artikel 52 Algemene wet inzake rijksbelastingen "
          "(Article 17(3)(b) GDPR)", *REMEDIES["en"]], [])),
    row(LetterType.REFUSAL, "access", "public-body",
        {"ground": "rights_of_others", "reasons": "De notulen gaan over uw buren.",
         "decision_body": PUBLIC_BODY},
        (["(artikel 15, vierde lid, AVG)", *AWB_REMEDIES["nl"]], NOT_PUBLIC["nl"]),
        (["(Article 15(4) GDPR)", *AWB_REMEDIES["en"]], NOT_PUBLIC["en"]), public=True),
    # --- An objection is upheld or not; never "afgewezen" like a request ----------------------
    row(LetterType.REFUSAL, "objection", "compelling-grounds",
        {"ground": "21_compelling", "reasons": "De camerabeelden zijn nodig voor aangifte."},
        (["Uw bezwaar tegen de verwerking: wij geven er geen gehoor aan",
          "Wij geven geen gehoor aan uw bezwaar.", "(artikel 21, eerste lid, AVG)",
          *REMEDIES["nl"]], ["Wij wijzen uw verzoek af", "afgewezen", "afwijzen"]),
        (["Your objection to the processing: not upheld", "We do not uphold your objection.",
          "(Article 21(1) GDPR)", *REMEDIES["en"]], ["We refuse your request", "refuse"])),
    row(LetterType.REFUSAL, "objection", "partly",
        {"scope": "partial", "granted": "Wij sturen u geen nieuwsbrief meer.",
         "ground": "21_legal_claims", "reasons": "Uw dossier is nodig in een lopende procedure."},
        (["wij geven er gedeeltelijk gehoor aan", "Wat wij wel hebben gedaan",
          *REMEDIES["nl"]], ["Wij wijzen uw verzoek af", "afgewezen"]),
        (["partly upheld", "We uphold your objection in part", *REMEDIES["en"]],
         ["We refuse your request", "refuse"])),
    row(LetterType.REFUSAL, "objection", "public-body",
        {"ground": "21_compelling", "reasons": "Handhaving van de APV.",
         "decision_body": PUBLIC_BODY},
        (["Wij geven geen gehoor aan uw bezwaar.", *AWB_REMEDIES["nl"],
          "dit bezwaarschrift tegen ons besluit is iets anders dan uw bezwaar tegen de "
          "verwerking van uw persoonsgegevens (artikel 21 AVG)"],
         ["Wij wijzen uw verzoek af", *NOT_PUBLIC["nl"]]),
        (["We do not uphold your objection.", *AWB_REMEDIES["en"],
          "this notice of objection against our decision is not the same as your objection "
          "to the processing of your personal data (Article 21 GDPR)"],
         ["We refuse your request", *NOT_PUBLIC["en"]]), public=True),
    row(LetterType.OBJECTION_UPHELD, "objection", "direct-marketing",
        {"processing": "Onze nieuwsbrief en aanbiedingen per post."},
        (["Wij hebben uw bezwaar gegrond verklaard en geven er gehoor aan.",
          "(artikel 21, tweede en derde lid, AVG)"],
         ["Wij wijzen uw verzoek af", "afgewezen", "artikel 79 AVG", "toegewezen"]),
        (["We have upheld your objection.", "(Article 21(2) and (3) GDPR)"],
         ["We refuse your request", "Article 79 GDPR"]),
        case_fields={"objection_direct_marketing": True}),
    row(LetterType.OBJECTION_UPHELD, "objection", "no-compelling-grounds",
        {"processing": "Profilering voor aanbiedingen.", "direct_marketing": "no"},
        (["gegrond verklaard", "(artikel 21, eerste lid, AVG)"], ["Wij wijzen uw verzoek af"]),
        (["We have upheld your objection.", "(Article 21(1) GDPR)"], ["We refuse"])),
    # --- Erasure: all, or part with the Art 17(3) ground that applies -------------------------
    row(LetterType.ERASURE_DONE, "erasure", "all", {},
        (["uw gegevens zijn verwijderd", "Wij hebben uw verzoek uitgevoerd."],
         ["gedeeltelijk", "wijzen wij uw verzoek af", "artikel 79 AVG", "artikel 17, derde lid"]),
        (["your data has been erased", "We have done what you asked."],
         ["partly", "refuse", "Article 79 GDPR", "Article 17(3)"])),
    row(LetterType.ERASURE_DONE, "erasure", "part-kept-by-law",
        {"retained": "Uw facturen van 2025, tot 1 januari 2033.",
         "retention_ground": "17_3_b_obligation",
         "legal_basis": "artikel 52 Algemene wet inzake rijksbelastingen"},
        (["uw gegevens zijn gedeeltelijk verwijderd",
          "Wij hebben uw verzoek gedeeltelijk uitgevoerd.",
          "wettelijke verplichting: artikel 52 Algemene wet inzake rijksbelastingen "
          "(artikel 17, derde lid, onder b, AVG)", *REMEDIES["nl"]], NOT_PRIVATE["nl"]),
        (["your data has been partly erased", "We have done part of what you asked.",
          "legal obligation: artikel 52 Algemene wet inzake rijksbelastingen "
          "(Article 17(3)(b) GDPR)", *REMEDIES["en"]], NOT_PRIVATE["en"])),
    row(LetterType.ERASURE_DONE, "erasure", "part-kept-public-task",
        {"retained": "Uw bouwdossier.", "retention_ground": "17_3_b_public_task",
         "legal_basis": "artikel 3 Archiefwet 1995", "decision_body": PUBLIC_BODY},
        (["gedeeltelijk verwijderd",
          "taak van algemeen belang of voor de uitoefening van openbaar gezag die ons is "
          "opgedragen: artikel 3 Archiefwet 1995", *AWB_REMEDIES["nl"]], NOT_PUBLIC["nl"]),
        (["partly erased", "in the exercise of official authority assigned to us: artikel 3 "
          "Archiefwet 1995", *AWB_REMEDIES["en"]], NOT_PUBLIC["en"]), public=True),
    # --- Dates: never a date in the past; "uiterlijk op" as case_extend accepts ---------------
    row(LetterType.ACKNOWLEDGEMENT, "access", "on-time", {},
        (["Uiterlijk beantwoord op 2 april 2026", "uiterlijk op 2 april 2026",
          "Dat laten wij u dan uiterlijk op 2 april 2026 weten"], ["verstreken"]),
        (["Answer due by 2 April 2026", "by 2 April 2026 at the latest (Article 12(3) GDPR)"],
         ["passed", "before 2 April"])),
    row(LetterType.ACKNOWLEDGEMENT, "access", "late", {},
        (["Termijn verstreken op 2 april 2026", "Die termijn is verstreken.",
          "Wij beantwoorden uw verzoek zo snel mogelijk."],
         ["Uiterlijk beantwoord op", "verlengen", "uiterlijk op 2 april 2026 weten"]),
        (["Time limit passed on 2 April 2026", "That time limit has passed."],
         ["Answer due by", "extend"]), letter_date=datetime.date(2026, 4, 7)),
    row(LetterType.ACKNOWLEDGEMENT, "access", "extended", {},
        (["Uiterlijk beantwoord op 2 juni 2026", "Wij hebben de termijn met twee maanden "
          "verlengd"], ["2 april 2026", "mogen wij deze termijn"]),
        (["Answer due by 2 June 2026", "We have extended the time limit by two months"],
         ["2 April 2026", "we may extend"]), extended=True),
    row(LetterType.EXTENSION_NOTICE, "access", "told-late", {},
        (["Wij hadden u deze verlenging uiterlijk op 2 april 2026 moeten laten weten",
          "U ontvangt ons antwoord uiterlijk op 2 juni 2026."], []),
        (["We should have told you of this extension by 2 April 2026",
          "You will receive our answer by 2 June 2026 at the latest."], []),
        extended=True, letter_date=datetime.date(2026, 4, 3)),
    row(LetterType.EXTENSION_NOTICE, "access", "after-the-new-date", {},
        (["Ook de verlengde termijn is op 2 juni 2026 verstreken."],
         ["U ontvangt ons antwoord uiterlijk op 2 juni 2026"]),
        (["The extended time limit also passed on 2 June 2026."],
         ["You will receive our answer by 2 June 2026"]),
        extended=True, letter_date=datetime.date(2026, 6, 5)),
    # --- One citation style in every other letter --------------------------------------------
    row(LetterType.ACCESS_ANSWER, "access", "granted", {},
        (["artikel 15, eerste lid, onder a, AVG", "artikel 15, tweede lid, AVG"], []),
        (["Article 15(1)(a) GDPR", "Article 15(2) GDPR"], [])),
    row(LetterType.PORTABILITY_ANSWER, "portability", "granted", {},
        (["(artikel 20, eerste lid, AVG)", "(artikel 20, tweede lid, AVG)"], []),
        (["(Article 20(1) GDPR)", "(Article 20(2) GDPR)"], [])),
    row(LetterType.RECTIFICATION_DONE, "rectification", "granted",
        {"corrections": "Uw adres is nu Molenweg 3."},
        (["(artikel 16 AVG)", "(artikel 19 AVG)"], ["artikel 79 AVG"]),
        (["(Article 16 GDPR)", "(Article 19 GDPR)"], ["Article 79 GDPR"])),
    row(LetterType.RESTRICTION_APPLIED, "restriction", "granted",
        {"restricted": "Uw betaalgegevens."},
        (["(artikel 18, tweede lid, AVG)", "(artikel 18, derde lid, AVG)"], []),
        (["(Article 18(2) GDPR)", "(Article 18(3) GDPR)"], [])),
    # --- Identity: the lighter means first; an ID copy only when chosen (item 4) -------------
    row(LetterType.IDENTITY_REQUEST, "access", "known-contact", {},
        (["(artikel 12, zesde lid, AVG)", "bevestigt dat u dit verzoek heeft gedaan",
          "Wij vragen u niet om een kopie van uw identiteitsbewijs."],
         ["paspoort", "BSN", "KopieID", "Kopie voor"]),
        (["(Article 12(6) GDPR)", "confirming that you made this request",
          "We are not asking for a copy of your identity document."],
         ["passport", "BSN", "KopieID", "Copy for"])),
    row(LetterType.IDENTITY_REQUEST, "access", "question",
        {"means": "question", "question": "Op welke datum plaatste u uw laatste bestelling?"},
        (["Op welke datum plaatste u uw laatste bestelling?",
          "Het antwoord kunnen alleen u en wij weten.", "Wij vragen u niet om een kopie"],
         ["paspoort", "KopieID"]),
        (["Op welke datum plaatste u uw laatste bestelling?",
          "Only you and we can know the answer.", "We are not asking for a copy"],
         ["passport", "KopieID"])),
    row(LetterType.IDENTITY_REQUEST, "access", "login",
        {"means": "login", "known_contact": "mijn.voorbeeld.nl"},
        (["Log in op het account dat u al bij ons heeft (mijn.voorbeeld.nl)"], ["KopieID"]),
        (["Log in to the account you already have with us (mijn.voorbeeld.nl)"], ["KopieID"])),
    row(LetterType.IDENTITY_REQUEST, "access", "id-copy",
        {"means": "id_copy",
         "why_id_copy": "Wij kennen geen e-mailadres of account van u."},
        (["kopie van uw identiteitsbewijs (paspoort, identiteitskaart of rijbewijs)",
          "Een lichtere manier is in uw geval niet voldoende",
          "Wij kennen geen e-mailadres of account van u.", "Maak uw BSN en pasfoto onleesbaar",
          "KopieID", "Kopie voor ", ", 20 maart 2026", "vernietigen haar"],
         ["Wij vragen u niet om een kopie"]),
        (["copy of your identity document (passport, identity card or driving licence)",
          "A lighter means is not enough in your case",
          "Mask your BSN and passport photo", "KopieID", "Copy for ", ", 20 March 2026"],
         ["We are not asking for a copy"])),
    # --- Clarification: recital 63 and Art 12(2), a reply-by date, the deadline (item 5) -----
    row(LetterType.CLARIFICATION_REQUEST, "access", "asked",
        {"question": "Over welke winkel gaat uw verzoek?", "reply_by": "2026-04-03"},
        (["(artikel 12, tweede lid, AVG)", "(overweging 63 van de AVG)",
          "Over welke winkel gaat uw verzoek?", "Graag uw antwoord uiterlijk op 3 april 2026",
          "Deze vraag verandert niets aan de termijn voor ons antwoord: u hoort uiterlijk op "
          "2 april 2026 van ons."],
         ["artikel 12, zesde lid", "BSN", "KopieID", "identiteitsbewijs"]),
        (["(Article 12(2) GDPR)", "(recital 63 GDPR)", "Please answer by 3 April 2026",
          "This question does not change the time limit for our answer: you will hear from "
          "us by 2 April 2026 at the latest."],
         ["Article 12(6)", "BSN", "KopieID", "identity document"])),
    row(LetterType.CLARIFICATION_REQUEST, "access", "after-the-due-date",
        {"question": "Over welke winkel gaat uw verzoek?", "reply_by": "2026-04-21"},
        (["Graag uw antwoord uiterlijk op 21 april 2026",
          "De termijn voor ons antwoord is op 2 april 2026 verstreken"],
         ["u hoort uiterlijk op 2 april 2026"]),
        (["Please answer by 21 April 2026", "The time limit for our answer passed on "
          "2 April 2026"], ["you will hear from us by 2 April 2026"]),
        letter_date=datetime.date(2026, 4, 7)),
    # --- Representatives: to the person who asked, on behalf of the subject (item 8) ---------
    row(LetterType.ACKNOWLEDGEMENT, "access", "representative", {},
        (["Geachte Marieke de Vries,", "Namens Tim de Vries",
          "U heeft dit verzoek gedaan namens Tim de Vries."], ["Geachte Tim"]),
        (["Dear Marieke de Vries,", "On behalf of Tim de Vries",
          "You made this request on behalf of Tim de Vries."], ["Dear Tim"]),
        case_fields=REPRESENTED),
    row(LetterType.AUTHORISATION_REQUEST, "access", "parent",
        {"proof": "parental_authority"},
        (["Geachte Marieke de Vries,", "namens Tim de Vries ontvangen",
          "ouderlijk gezag over Tim de Vries", "gezagsregister",
          "Zolang wij dit bewijs niet hebben, geven wij geen gegevens van Tim de Vries aan u.",
          "Wij vragen u niet om een kopie van een identiteitsbewijs."],
         ["Geachte Tim", "machtiging die"]),
        (["Dear Marieke de Vries,", "on behalf of Tim de Vries",
          "parental authority over Tim de Vries", "gezagsregister",
          "Until we have this proof, we will not give you any data of Tim de Vries."],
         ["Dear Tim"]),
        case_fields=REPRESENTED),
    row(LetterType.AUTHORISATION_REQUEST, "access", "lawyer-authorisation",
        {"proof": "authorisation"},
        (["Een machtiging die Tim de Vries zelf heeft ondertekend"], ["gezagsregister"]),
        (["An authorisation signed by Tim de Vries personally"], ["gezagsregister"]),
        case_fields=REPRESENTED),
    # --- A withdrawn request, confirmed -------------------------------------------------------
    row(LetterType.WITHDRAWAL_CONFIRMATION, "erasure", "withdrawn", {},
        (["U heeft ons laten weten dat u dit verzoek intrekt.",
          "Dat hebben wij op 18 maart 2026 vastgelegd.", "U kunt altijd een nieuw verzoek doen."],
         ["Autoriteit Persoonsgegevens", "afgewezen"]),
        (["You have told us that you withdraw this request.", "We recorded this on 18 March 2026.",
          "You can always make a new request."], ["Data Protection Authority", "refuse"]),
        case_fields={"withdrawn_on": factories.at(2026, 3, 18)}),
    # --- Closed for lack of an answer: the reasons and the remedies (Art 12(4)) ---------------
    row(LetterType.CLOSED_NO_RESPONSE, "access", "identity",
        {"question_kind": "identity", "asked_on": "2026-03-06", "reply_by": "2026-03-20"},
        (["Op 6 maart 2026 hebben wij u gevraagd aan te tonen wie u bent",
          "uw antwoord uiterlijk op 20 maart 2026", "(artikel 12, tweede en zesde lid, AVG)",
          "U kunt altijd een nieuw verzoek doen.", *REMEDIES["nl"]], ["overweging 63"]),
        (["On 6 March 2026 we asked you to show who you are", "answer by 20 March 2026",
          "(Article 12(2) and (6) GDPR)", *REMEDIES["en"]], ["recital 63"]),
        case_fields={"paused": "identity"}, letter_date=datetime.date(2026, 3, 30)),
    row(LetterType.CLOSED_NO_RESPONSE, "access", "clarification",
        {"question_kind": "clarification", "asked_on": "2026-03-06", "reply_by": "2026-03-20"},
        (["toe te lichten waar uw verzoek over gaat", "(overweging 63 en artikel 12, tweede lid, "
          "AVG)", *REMEDIES["nl"]], ["zesde lid"]),
        (["to clarify what your request relates to", "(recital 63 and Article 12(2) GDPR)",
          *REMEDIES["en"]], ["Article 12(6)"]),
        case_fields={"paused": "clarification"}, letter_date=datetime.date(2026, 3, 30)),
    # --- Art 12(5): warn first, or a fee on administrative costs; the burden of proof ---------
    row(LetterType.EXCESSIVE_REQUEST_NOTICE, "access", "warning",
        {"mode": "warning", "ground": "excessive",
         "reasons": "U stuurde ons op 2, 9 en 16 februari 2026 hetzelfde verzoek."},
        (["Wij achten uw verzoek buitensporig", "wij moeten kunnen aantonen",
          "(artikel 12, vijfde lid, AVG)", "Dit verzoek behandelen wij nog gewoon en zonder "
          "kosten.", "U stuurde ons op 2, 9 en 16 februari 2026 hetzelfde verzoek.",
          *REMEDIES["nl"]], ["vergoeding van"]),
        (["We consider your request excessive", "it is for us to demonstrate",
          "We will still deal with this request, free of charge.", *REMEDIES["en"]],
         ["fee of"])),
    row(LetterType.EXCESSIVE_REQUEST_NOTICE, "access", "fee",
        {"mode": "fee", "ground": "unfounded", "fee_amount": "€ 25,00",
         "fee_basis": "Een half uur zoeken en kopiëren tegen € 50 per uur.",
         "reasons": "U vraagt om gegevens die u gisteren van ons ontving."},
        (["Wij achten uw verzoek kennelijk ongegrond", "wij moeten kunnen aantonen",
          "redelijke vergoeding van € 25,00", "administratieve kosten",
          "Een half uur zoeken en kopiëren tegen € 50 per uur.", *REMEDIES["nl"]],
         ["nog gewoon en zonder kosten"]),
        (["We consider your request manifestly unfounded", "reasonable fee of € 25,00",
          "administrative costs", *REMEDIES["en"]], ["We will still deal with this request"])),
    # --- Art 19: recipients informed only as recorded (item 7) --------------------------------
    row(LetterType.RECTIFICATION_DONE, "rectification", "no-notice-recorded",
        {"corrections": "Uw adres is nu Molenweg 3."},
        (["Wilt u weten aan wie wij uw persoonsgegevens hebben verstrekt?"],
         ["Wij hebben iedere ontvanger", "ingelicht", "Dit hebben wij gedaan"]),
        (["If you would like to know to whom we disclosed your personal data"],
         ["We have communicated", "informed on", "This is what we did"])),
    row(LetterType.ERASURE_DONE, "erasure", "notices-recorded", {},
        (["(artikel 19 AVG). Dit hebben wij gedaan:",
          "Incasso B.V.: ingelicht op 17 maart 2026 per e-mail",
          "Oud archief: niet ingelicht, omdat: Het bedrijf bestaat niet meer."], []),
        (["(Article 19 GDPR). This is what we did:",
          "Incasso B.V.: informed on 17 March 2026 by e-mail",
          "Oud archief: not informed, because: Het bedrijf bestaat niet meer."], []),
        case_fields={"notices": [
            {"recipient": "Incasso B.V.", "notified_on": datetime.date(2026, 3, 17),
             "means": "email"},
            {"recipient": "Oud archief", "not_notified_reason": "Het bedrijf bestaat niet meer."},
        ]}),
    row(LetterType.RECIPIENT_NOTIFICATION, "rectification", "to-the-recipient",
        {"recipient_name": "Incasso B.V.", "recipient_address": "Postbus 1\n1000 AA Amsterdam",
         "change": "Het adres is gewijzigd in Molenweg 3, Utrecht.",
         "identified_by": "klantnummer 4711"},
        (["Incasso B.V. Postbus 1 1000 AA Amsterdam", "Geachte heer, mevrouw,",
          "persoonsgegevens verstrekt van klantnummer 4711", "(artikel 19 AVG)",
          "Het adres is gewijzigd in Molenweg 3, Utrecht.", "ook moet corrigeren"],
         ["Kerkstraat 12", "Geachte Zoë", "Geachte Marieke", "Namens", "Autoriteit"]),
        (["Incasso B.V. Postbus 1 1000 AA Amsterdam", "Dear Sir or Madam,",
          "personal data of klantnummer 4711", "(Article 19 GDPR)", "also rectify"],
         ["Kerkstraat 12", "Dear Zoë", "On behalf of"]),
        case_fields=REPRESENTED),
]  # fmt: skip


def letter_text(markup: str) -> str:
    body = markup.split("<body", 1)[1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    ("letter_type", "request_type", "fields", "expected", "public", "extended", "letter_date",
     "case_fields"),
    TABLE,
)  # fmt: skip
def test_the_letter_says_what_it_must_and_nothing_it_must_not(
    make_case, actor, letter_type, request_type, fields, expected, public, extended,
    letter_date, case_fields, language,
):  # fmt: skip
    if public:
        profile = OrganisationProfile.load()
        profile.public_body = True
        profile.save()
    case_fields = dict(case_fields)
    paused = case_fields.pop("paused", None)
    withdrawn_on = case_fields.pop("withdrawn_on", None)
    notices = case_fields.pop("notices", [])
    case = make_case(request_type, extended=extended, **case_fields)
    for notice in notices:
        case_services.case_record_recipient_notice(
            case_id=case.pk, actor=actor, now=factories.at(2026, 3, 18), **notice
        )
    if paused:
        case_services.case_pause(
            case_id=case.pk, actor=actor, reason=paused, note="Intern.",
            now=factories.at(2026, 3, 6, 12),
        )  # fmt: skip
    if withdrawn_on:
        case = case_services.case_withdraw(case_id=case.pk, actor=actor, now=withdrawn_on)
    # Made on the letter's date: what a letter may say depends on the day it is made.
    with time_machine.travel(factories.at(*letter_date.timetuple()[:3], 11), tick=False):
        spec, profile, cleaned = services.letter_prepare(
            case=case, letter_type=letter_type, language=language, fields=fields
        )
        text = letter_text(
            rendering.render_html(
                spec, case=case, profile=profile, language=language, fields=cleaned,
                letter_date=letter_date,
            )
        )  # fmt: skip

    must, must_not = expected[language]
    must_not = [*must_not, *NEVER[language]]
    if fields.get("ground") != "unfounded":
        must_not.append(ACCUSATION[language])
    missing = [phrase for phrase in must if phrase not in text]
    present = [phrase for phrase in must_not if phrase in text]
    present += [p for p in NEVER_PATTERNS[language] if re.search(p, text, re.IGNORECASE)]
    assert not missing and not present, f"missing {missing}, present {present} in:\n{text}"
