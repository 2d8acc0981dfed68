"""Every letter, in Dutch and in English, says what docs/legal.md ("What a reply letter must
say") requires: read back from the archived PDF with pdftotext."""

import pytest

from cases import services as case_services
from letters.models import LetterType, OrganisationProfile
from tests import factories

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

# letter type -> (request type, extended?, {language: (fields, phrases the PDF must contain)})
LETTERS = {
    LetterType.ACKNOWLEDGEMENT: (
        "access",
        False,
        {
            "nl": (
                {},
                [
                    "Ontvangstbevestiging van uw verzoek om inzage",
                    "Uiterlijk beantwoord op 2 april 2026",
                    "met twee maanden verlengen",
                    "artikel 12, derde lid, AVG",
                ],
            ),
            "en": (
                {},
                [
                    "Acknowledgement of your request for access",
                    "Answer due by 2 April 2026",
                    "extend this period by two months",
                    "Article 12(3) GDPR",
                ],
            ),
        },
    ),
    LetterType.IDENTITY_REQUEST: (
        "erasure",
        False,
        {
            "nl": (
                {},
                [
                    "wilt u aantonen wie u bent?",
                    "artikel 12, zesde lid, AVG",
                    "bevestigt dat u dit verzoek heeft gedaan",
                    "Wij vragen u niet om een kopie van uw identiteitsbewijs.",
                    "persoonlijke statuspagina",
                ],
            ),
            "en": (
                {},
                [
                    "please confirm who you are",
                    "Article 12(6) GDPR",
                    "confirming that you made this request",
                    "We are not asking for a copy of your identity document.",
                    "personal status page",
                ],
            ),
        },
    ),
    LetterType.CLARIFICATION_REQUEST: (
        "rectification",
        False,
        {
            "nl": (
                {"question": "Welk adres in welk klantaccount bedoelt u?"},
                [
                    "wilt u uw verzoek toelichten?",
                    "Welk adres in welk klantaccount bedoelt u?",
                    "artikel 12, tweede lid, AVG",
                    "overweging 63 van de AVG",
                    "persoonlijke statuspagina",
                    "Deze vraag verandert niets aan de termijn",
                ],
            ),
            "en": (
                {"question": "Which address in which customer account do you mean?"},
                [
                    "please clarify your request",
                    "Which address in which customer account do you mean?",
                    "Article 12(2) GDPR",
                    "recital 63 GDPR",
                    "personal status page",
                    "This question does not change the time limit",
                ],
            ),
        },
    ),
    LetterType.EXTENSION_NOTICE: (
        "access",
        True,
        {
            "nl": (
                {},
                [
                    "wij hebben meer tijd nodig",
                    "Oorspronkelijke termijn 2 april 2026",
                    "Nieuwe uiterste datum 2 juni 2026",
                    "Uw verzoek betreft twaalf systemen en vijf jaar aan gegevens.",
                    "artikel 12, derde lid, AVG",
                ],
            ),
            "en": (
                {"reasons": "Your request covers twelve systems and five years of data."},
                [
                    "we need more time",
                    "Original time limit 2 April 2026",
                    "New time limit 2 June 2026",
                    "Your request covers twelve systems and five years of data.",
                    "Article 12(3) GDPR",
                ],
            ),
        },
    ),
    LetterType.ACCESS_ANSWER: (
        "access",
        False,
        {
            "nl": (
                {"annex": "Klantgegevens.pdf\nOrderhistorie.csv"},
                [
                    "Wij verwerken persoonsgegevens van u",
                    "kopie van die gegevens (artikel 15, derde lid, AVG)",
                    "a. Waarvoor wij uw gegevens gebruiken",
                    "b. Welke gegevens wij van u verwerken",
                    "c. Aan wie wij uw gegevens verstrekken",
                    "buiten de Europese Economische Ruimte (EER)",
                    "d. Hoe lang wij uw gegevens bewaren",
                    "e. Uw rechten",
                    "f. Klacht bij de Autoriteit Persoonsgegevens",
                    "g. Waar uw gegevens vandaan komen",
                    "h. Geautomatiseerde besluiten en profilering",
                    "Doorgifte buiten de Europese Economische Ruimte artikel 15, tweede lid, AVG",
                    "passende waarborgen",
                    "Bijlage — Wat u van ons ontvangt",
                    "1. Klantgegevens.pdf",
                    "2. Orderhistorie.csv",
                ],
            ),
            "en": (
                {"annex": "Customer-record.pdf\nOrder-history.csv"},
                [
                    "We process personal data about you",
                    "a copy of that data (Article 15(3) GDPR)",
                    "(a) What we use your data for",
                    "(b) Which data we process about you",
                    "(c) To whom we disclose your data",
                    "(d) How long we keep your data",
                    "(e) Your rights",
                    "(f) Complaint to the supervisory authority",
                    "(g) Where your data comes from",
                    "(h) Automated decision-making and profiling",
                    "Transfers outside the European Economic Area Article 15(2) GDPR",
                    "appropriate safeguards",
                    "Annex — What you receive from us",
                    "1. Customer-record.pdf",
                    "2. Order-history.csv",
                ],
            ),
        },
    ),
    LetterType.PORTABILITY_ANSWER: (
        "portability",
        False,
        {
            "nl": (
                {"delivery": "controller", "other_controller": "Nieuwe Energie B.V."},
                [
                    "gestructureerde, gangbare en machineleesbare vorm",
                    "CSV (UTF-8) en JSON",
                    "rechtstreeks doorgestuurd naar Nieuwe Energie B.V. (artikel 20, tweede lid",
                    "artikel 20, tweede lid, AVG",
                    "Bijlage — Bestanden",
                ],
            ),
            "en": (
                {},
                [
                    "structured, commonly used and machine-readable format",
                    "CSV (UTF-8) and JSON",
                    "transmit your data directly to another organisation",
                    "Article 20(2) GDPR",
                    "Annex — Files",
                ],
            ),
        },
    ),
    LetterType.RECTIFICATION_DONE: (
        "rectification",
        False,
        {
            "nl": (
                {"corrections": "Uw adres is nu Molenweg 3, 3512 CD Utrecht."},
                [
                    "uw gegevens zijn gecorrigeerd",
                    "Uw adres is nu Molenweg 3, 3512 CD Utrecht.",
                    "Vraag het ons, dan laten wij het u weten (artikel 19 AVG)",
                    "(artikel 19 AVG)",
                ],
            ),
            "en": (
                {"corrections": "Your address is now Molenweg 3, 3512 CD Utrecht."},
                [
                    "your data has been rectified",
                    "Your address is now Molenweg 3, 3512 CD Utrecht.",
                    "please ask us and we will tell you (Article 19 GDPR)",
                    "(Article 19 GDPR)",
                ],
            ),
        },
    ),
    LetterType.ERASURE_DONE: (
        "erasure",
        False,
        {
            "nl": (
                {
                    "retained": "Uw facturen van 2025.",
                    "retention_ground": "17_3_b_obligation",
                    "legal_basis": "artikel 52 Algemene wet inzake rijksbelastingen",
                },
                [
                    "uw gegevens zijn gedeeltelijk verwijderd",
                    "Wij hebben uw verzoek gedeeltelijk uitgevoerd.",
                    "wettelijke verplichting: artikel 52 Algemene wet inzake rijksbelastingen",
                    "Uw account en alle persoonsgegevens die daarbij horen.",
                    "Uw facturen van 2025.",
                    "artikel 17, derde lid, onder b, AVG",
                    "Vraag het ons, dan laten wij het u weten (artikel 19 AVG)",
                    "(artikel 19 AVG)",
                    "klacht in te dienen bij de Autoriteit Persoonsgegevens",
                    "naar de rechter stappen (artikel 79 AVG)",
                ],
            ),
            "en": (
                {
                    "retained": "Your invoices of 2025.",
                    "retention_ground": "17_3_b_obligation",
                    "legal_basis": "section 52 of the General State Taxes Act (AWR)",
                },
                [
                    "your data has been partly erased",
                    "legal obligation: section 52 of the General State Taxes Act (AWR)",
                    "Your invoices of 2025.",
                    "Article 17(3)(b) GDPR",
                    "please ask us and we will tell you (Article 19 GDPR)",
                    "(Article 19 GDPR)",
                    "lodge a complaint with the Dutch Data Protection Authority",
                    "go to court (Article 79 GDPR)",
                ],
            ),
        },
    ),
    LetterType.RESTRICTION_APPLIED: (
        "restriction",
        False,
        {
            "nl": (
                {"restricted": "Uw betaalgegevens."},
                [
                    "de verwerking van uw gegevens is beperkt",
                    "Uw betaalgegevens.",
                    "De beperking geldt totdat vaststaat of uw gegevens juist zijn.",
                    "Wij laten het u weten voordat wij de beperking opheffen",
                    "artikel 18, derde lid, AVG",
                    "(artikel 19 AVG)",
                ],
            ),
            "en": (
                {"restricted": "Your payment details."},
                [
                    "the processing of your data has been restricted",
                    "Your payment details.",
                    "until it is established whether your data is accurate",
                    "We will tell you before we lift the restriction",
                    "Article 18(3) GDPR",
                    "(Article 19 GDPR)",
                ],
            ),
        },
    ),
    LetterType.OBJECTION_UPHELD: (
        "objection",
        False,
        {
            "nl": (
                {
                    "processing": "Nieuwsbrieven en aanbiedingen per post.",
                    "direct_marketing": "yes",
                },
                [
                    "wij stoppen met deze verwerking",
                    "Nieuwsbrieven en aanbiedingen per post.",
                    "artikel 21, tweede en derde lid, AVG",
                    "(artikel 19 AVG)",
                ],
            ),
            "en": (
                {"processing": "Profiling for personalised offers."},
                [
                    "we are stopping this processing",
                    "Profiling for personalised offers.",
                    "no compelling legitimate grounds",
                    "Article 21(1) GDPR",
                    "(Article 19 GDPR)",
                ],
            ),
        },
    ),
    LetterType.REFUSAL: (
        "access",
        False,
        {
            "nl": (
                {
                    "scope": "partial",
                    "granted": "U ontvangt een kopie van uw klantgegevens.",
                    "ground": "rights_of_others",
                    "reasons": "De opnames van gesprekken gaan ook over onze medewerkers.",
                },
                [
                    "gedeeltelijk afgewezen",
                    "U ontvangt een kopie van uw klantgegevens.",
                    "artikel 15, vierde lid, AVG",
                    "De opnames van gesprekken gaan ook over onze medewerkers.",
                    "klacht in te dienen bij de Autoriteit Persoonsgegevens",
                    "(artikel 77 AVG)",
                    "naar de rechter stappen (artikel 79 AVG)",
                ],
            ),
            "en": (
                {"ground": "excessive", "reasons": "This is your sixth identical request."},
                [
                    "refused",
                    "We refuse your request.",
                    "excessive, in particular because of its repetitive character",
                    "Article 12(5) GDPR",
                    "This is your sixth identical request.",
                    "lodge a complaint with the Dutch Data Protection Authority",
                    "(Article 77 GDPR)",
                    "go to court (Article 79 GDPR)",
                ],
            ),
        },
    ),
}

# The reference column sits beside the address window, so text extraction may interleave
# its lines with the address's: labels and values are looked for apart.
EVERY_LETTER = {
    "nl": ["Zoë de Vries", "Kerkstraat 12", "3511 AB Utrecht", "Datum", "20 maart 2026",
           "Ons kenmerk", "Uw verzoek ontvangen op", "5 maart 2026", "Geachte Zoë de Vries,",
           "Met vriendelijke groet", "pagina 1 van", "Retouradres: Voorbeeld B.V."],
    "en": ["Zoë de Vries", "Kerkstraat 12", "3511 AB Utrecht", "Date", "20 March 2026",
           "Our reference", "Your request received on", "5 March 2026", "Dear Zoë de Vries,",
           "Yours sincerely", "page 1 of", "Return address: Voorbeeld B.V."],
}  # fmt: skip


# The letters that fit only a case in a certain state: (request type, extended?, texts, setup)
# where setup says what the case needs: a representative, a withdrawal, a question asked.
REPRESENTED = {"representative_name": "Marieke de Vries"}  # for Zoë de Vries, her daughter
LETTERS.update(
    {
        LetterType.AUTHORISATION_REQUEST: (
            "access", False,
            {
                "nl": ({"proof": "parental_authority"},
                       ["Geachte Marieke de Vries,", "ouderlijk gezag over Zoë de Vries",
                        "Namens Zoë de Vries"]),
                "en": ({"proof": "parental_authority"},
                       ["Dear Marieke de Vries,", "parental authority over Zoë de Vries",
                        "On behalf of Zoë de Vries"]),
            },
            {"case_fields": REPRESENTED},
        ),
        LetterType.WITHDRAWAL_CONFIRMATION: (
            "erasure", False,
            {
                "nl": ({}, ["Uw verzoek om verwijdering is ingetrokken",
                            "U kunt altijd een nieuw verzoek doen."]),
                "en": ({}, ["Your request for erasure has been withdrawn",
                            "You can always make a new request."]),
            },
            {"withdrawn": True},
        ),
        LetterType.CLOSED_NO_RESPONSE: (
            "access", False,
            {
                "nl": ({"question_kind": "identity", "asked_on": "2026-03-06",
                        "reply_by": "2026-03-13"},
                       ["geen antwoord op onze vraag", "uiterlijk op 13 maart 2026",
                        "Autoriteit Persoonsgegevens"]),
                "en": ({"question_kind": "identity", "asked_on": "2026-03-06",
                        "reply_by": "2026-03-13"},
                       ["no answer to our question", "answer by 13 March 2026",
                        "Dutch Data Protection Authority"]),
            },
            {"paused": "identity"},
        ),
        LetterType.RECIPIENT_NOTIFICATION: (
            "erasure", False,
            {
                "nl": ({"recipient_name": "Incasso de Vries B.V.",
                        "recipient_address": "Kerkstraat 14\n3511 AC Utrecht",
                        "change": "Alle gegevens van klantnummer 4711 zijn verwijderd."},
                       ["Geachte heer, mevrouw,", "(artikel 19 AVG)", "klantnummer 4711"]),
                "en": ({"recipient_name": "Incasso de Vries B.V.",
                        "recipient_address": "Kerkstraat 14\n3511 AC Utrecht",
                        "change": "All data of customer 4711 has been erased."},
                       ["Dear Sir or Madam,", "(Article 19 GDPR)", "customer 4711"]),
            },
            {"to_recipient": True},
        ),
        LetterType.EXCESSIVE_REQUEST_NOTICE: (
            "access", False,
            {
                "nl": ({"mode": "fee", "ground": "excessive", "fee_amount": "€ 15,00",
                        "fee_basis": "Twintig minuten werk.", "reasons": "Het zesde verzoek."},
                       ["redelijke vergoeding van € 15,00", "artikel 12, vijfde lid, AVG",
                        "wij moeten kunnen aantonen"]),
                "en": ({"mode": "warning", "ground": "excessive",
                        "reasons": "The sixth request."},
                       ["We will still deal with this request, free of charge.",
                        "Article 12(5) GDPR", "it is for us to demonstrate"]),
            },
        ),
    }
)  # fmt: skip


def case_for(letter_type, make_case, actor):
    """A case that fits the letter (a representative's, withdrawn, with a question asked),
    and the letter's texts by language."""
    request_type, extended, texts, *setup = LETTERS[letter_type]
    setup = setup[0] if setup else {}
    case = make_case(request_type, extended=extended, **setup.get("case_fields", {}))
    steps = {"case_id": case.pk, "actor": actor, "now": factories.at(2026, 3, 6, 12)}
    if setup.get("paused"):
        case = case_services.case_pause(**steps, reason=setup["paused"], note="Intern.")
    if setup.get("withdrawn"):
        case = case_services.case_withdraw(**steps)
    return case, texts


def test_every_letter_type_is_covered():
    assert set(LETTERS) == set(LetterType.values)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("letter_type", list(LETTERS))
def test_it_prints_the_mandatory_parts(make_case, make_letter, actor, letter_type, language):
    case, texts = case_for(letter_type, make_case, actor)
    fields, phrases = texts[language]

    letter = make_letter(case, letter_type, language, **fields)

    text = pdf_text(letter.absolute_path)
    every = EVERY_LETTER[language]
    if letter_type == LetterType.RECIPIENT_NOTIFICATION:
        # to the recipient: neither the subject's address nor "your request"
        not_for_recipient = ("Geachte", "Dear", "Kerkstraat 12", "3511 AB", "Uw ", "Your ")
        every = [p for p in every if not p.startswith(not_for_recipient)]
    elif case.by_representative:  # greets the representative (in the phrases)
        every = [p for p in every if not p.startswith(("Geachte", "Dear"))]
    missing = [p for p in [case.reference, *every, *phrases] if p not in text]
    assert not missing, f"missing {missing} in:\n{text}"
    assert not [t for t in ("{%", "{#", "{{", "}}", "#}", "%}") if t in text], text


def test_an_access_answer_without_data_says_so_and_has_no_annex(make_case, make_letter):
    case = make_case("access")

    letter = make_letter(case, LetterType.ACCESS_ANSWER, "nl", processed="no")

    text = pdf_text(letter.absolute_path)
    assert "Wij verwerken geen persoonsgegevens van u" in text
    assert "Bijlage" not in text
    assert "a. Waarvoor wij uw gegevens gebruiken" not in text


def test_a_full_erasure_does_not_speak_of_refusal(make_case, make_letter):
    case = make_case("erasure")

    letter = make_letter(case, LetterType.ERASURE_DONE, "nl")

    text = pdf_text(letter.absolute_path)
    assert "uw gegevens zijn verwijderd" in text
    assert "wijzen wij uw verzoek af" not in text
    assert "(artikel 19 AVG)" in text


def test_a_refused_objection_names_the_compelling_grounds(make_case, make_letter):
    case = make_case("objection")

    letter = make_letter(
        case,
        LetterType.REFUSAL,
        "en",
        ground="21_compelling",
        reasons="We need the camera images to investigate a burglary.",
    )

    text = pdf_text(letter.absolute_path)
    assert "Your objection to the processing: not upheld" in text
    assert "We do not uphold your objection." in text
    assert "refuse" not in text
    assert "compelling legitimate grounds for this processing which override" in text
    assert "Article 21(1) GDPR" in text
    assert "Dutch Data Protection Authority" in text and "go to court" in text


def test_a_public_body_adds_the_objection_clause(make_case, make_letter):
    profile = OrganisationProfile.load()
    profile.public_body = True
    profile.save()
    case = make_case("erasure")

    letter = make_letter(
        case,
        LetterType.REFUSAL,
        "nl",
        ground="17_3_b_public_task",
        legal_basis="artikel 3 Archiefwet 1995",
        reasons="Uw dossier is een archiefbescheid dat wij moeten bewaren.",
        decision_body="het college van burgemeester en wethouders van Voorbeeldstad",
    )

    text = pdf_text(letter.absolute_path)
    assert "besluit in de zin van de Algemene wet bestuursrecht" in text
    assert (
        "binnen zes weken na de dag waarop deze brief is verzonden een bezwaarschrift indienen "
        "bij het college van burgemeester en wethouders van Voorbeeldstad"
    ) in text
    assert "beroep instellen bij de rechtbank (artikel 8:1 Awb)" in text
    assert "Autoriteit Persoonsgegevens" in text
    # The remedy of a private controller does not apply to a public body.
    assert "artikel 79 AVG" not in text and "artikel 35" not in text


def test_a_subject_without_postal_address_is_addressed_by_e_mail(make_case, make_letter):
    case = make_case("access", subject_address="")

    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    assert "Per e-mail: zoe@example.org" in pdf_text(letter.absolute_path)


def test_the_letterhead_and_footer_come_from_the_profile(make_case, make_letter):
    profile = OrganisationProfile.load()
    profile.name = "Gemeente Voorbeeldstad"
    profile.address = "Postbus 100\n1000 AA Voorbeeldstad"
    profile.kvk_number = "12345678"
    profile.dpo_name = "mr. A. Bakker"
    profile.dpo_email = "fg@voorbeeldstad.nl"
    profile.signatory = "J. de Boer, privacy officer"
    profile.save()
    case = make_case("access")

    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "en")

    text = pdf_text(letter.absolute_path)
    for phrase in [
        "Return address: Gemeente Voorbeeldstad, Postbus 100, 1000 AA Voorbeeldstad",
        "Chamber of Commerce no. 12345678",
        "Data protection officer: mr. A. Bakker, fg@voorbeeldstad.nl",
        "J. de Boer, privacy officer",
        "Privacy team, Gemeente Voorbeeldstad",
    ]:
        assert phrase in text, text
