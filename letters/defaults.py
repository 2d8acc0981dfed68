"""The standard texts a new organisation profile starts with.

They pre-fill the Art 15(1)(a)–(h) and 15(2) sections of the access and portability letters.
Every organisation must adapt them to what it really does (in the admin, "Organisation
profile"); these are a sensible start for a Dutch company, not legal advice.
"""

# (section key, the article it answers)
ACCESS_SECTIONS = (
    ("purposes", "15(1)(a)"),
    ("categories", "15(1)(b)"),
    ("recipients", "15(1)(c)"),
    ("retention", "15(1)(d)"),
    ("rights", "15(1)(e)"),
    ("complaint", "15(1)(f)"),
    ("source", "15(1)(g)"),
    ("automated", "15(1)(h)"),
    ("transfers", "15(2)"),
)

STANDARD_TEXTS = {
    "nl": {
        "purposes": (
            "Wij gebruiken uw gegevens om onze overeenkomst met u uit te voeren (zoals levering, "
            "facturering en klantenservice), om te voldoen aan wettelijke verplichtingen (zoals "
            "de fiscale bewaarplicht) en, als u daarvoor toestemming heeft gegeven, om u te "
            "informeren over onze producten en diensten."
        ),
        "categories": (
            "Naam- en adresgegevens, e-mailadres en telefoonnummer, klantnummer, bestel- en "
            "betaalgegevens, en uw correspondentie met onze klantenservice."
        ),
        "recipients": (
            "Wij delen uw gegevens met partijen die deze in onze opdracht verwerken (onze "
            "hostingpartij, e-maildienst en betaaldienstverlener) en, als de wet ons daartoe "
            "verplicht, met overheidsinstanties zoals de Belastingdienst. Wij verstrekken uw "
            "gegevens niet aan ontvangers in landen buiten de Europese Economische Ruimte (EER) "
            "of aan internationale organisaties."
        ),
        "retention": (
            "Wij bewaren uw gegevens zolang u klant bij ons bent en daarna nog twee jaar. "
            "Gegevens die wij volgens de fiscale bewaarplicht moeten bewaren, zoals facturen, "
            "bewaren wij zeven jaar (artikel 52 Algemene wet inzake rijksbelastingen)."
        ),
        "rights": (
            "U heeft het recht ons te vragen uw gegevens te corrigeren of aan te vullen "
            "(artikel 16 AVG), ze te verwijderen (artikel 17 AVG) of het gebruik ervan te "
            "beperken (artikel 18 AVG). Ook kunt u bezwaar maken tegen het gebruik van uw "
            "gegevens (artikel 21 AVG)."
        ),
        "complaint": (
            "U heeft het recht een klacht in te dienen bij de Autoriteit Persoonsgegevens, de "
            "toezichthouder in Nederland (artikel 77 AVG). Zie "
            "www.autoriteitpersoonsgegevens.nl."
        ),
        "source": (
            "Wij hebben uw gegevens van uzelf ontvangen, bijvoorbeeld toen u een account "
            "aanmaakte, een bestelling plaatste of contact met ons opnam."
        ),
        "automated": (
            "Wij nemen geen besluiten over u die alleen op geautomatiseerde verwerking berusten, "
            "ook niet door profilering, en die voor u rechtsgevolgen hebben of u anderszins in "
            "aanmerkelijke mate treffen (artikel 22 AVG)."
        ),
        "transfers": (
            "Wij geven uw gegevens niet door naar landen buiten de Europese Economische Ruimte. "
            "Zouden wij dat in de toekomst wel doen, dan alleen met passende waarborgen, zoals "
            "een adequaatheidsbesluit van de Europese Commissie of door haar vastgestelde "
            "modelcontractbepalingen (artikelen 45 en 46 AVG)."
        ),
    },
    "en": {
        "purposes": (
            "We use your data to perform our contract with you (such as delivery, invoicing and "
            "customer service), to comply with our legal obligations (such as the obligation to "
            "keep tax records) and, where you have given your consent, to inform you about our "
            "products and services."
        ),
        "categories": (
            "Name and address, e-mail address and phone number, customer number, order and "
            "payment details, and your correspondence with our customer service."
        ),
        "recipients": (
            "We share your data with parties that process it on our behalf (our hosting "
            "provider, e-mail service and payment service provider) and, where the law "
            "requires it, with public authorities such as the Dutch Tax Administration. We do "
            "not disclose your data to recipients in countries outside the European Economic "
            "Area (EEA) or to international organisations."
        ),
        "retention": (
            "We keep your data for as long as you are our customer and for two years after "
            "that. Data we must keep under Dutch tax law, such as invoices, we keep for seven "
            "years (Article 52 of the General State Taxes Act)."
        ),
        "rights": (
            "You have the right to ask us to rectify or complete your data (Article 16 GDPR), "
            "to erase it (Article 17 GDPR) or to restrict its use (Article 18 GDPR). You may "
            "also object to the use of your data (Article 21 GDPR)."
        ),
        "complaint": (
            "You have the right to lodge a complaint with the Dutch Data Protection Authority "
            "(Autoriteit Persoonsgegevens), the supervisory authority in the Netherlands "
            "(Article 77 GDPR). See www.autoriteitpersoonsgegevens.nl."
        ),
        "source": (
            "We received your data from you, for example when you created an account, placed "
            "an order or contacted us."
        ),
        "automated": (
            "We do not take decisions about you based solely on automated processing, "
            "including profiling, that produce legal effects concerning you or similarly "
            "significantly affect you (Article 22 GDPR)."
        ),
        "transfers": (
            "We do not transfer your data to countries outside the European Economic Area. "
            "Should we do so in the future, it will only be with appropriate safeguards, such "
            "as an adequacy decision of the European Commission or standard contractual "
            "clauses adopted by it (Articles 45 and 46 GDPR)."
        ),
    },
}
