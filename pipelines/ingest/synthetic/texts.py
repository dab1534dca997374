"""Texts of the generated strategies, per language, written for this project.

Each language has a pool of thematic domains (a strategy selects some, and analyses others it
does not select), objectives and instruments (decoy lists), the sentences that introduce each
list, headings and filler prose. No text comes from a real strategy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageTexts:
    """Everything a generated strategy says, in one language."""

    code: str
    title: str  # "{region}" is filled in
    domains: tuple[str, ...]
    objectives: tuple[str, ...]
    instruments: tuple[str, ...]
    selection_heading: str
    selection_intro: str
    summary_intro: str
    objectives_heading: str
    objectives_intro: str
    instruments_heading: str
    instruments_intro: str
    analysis_heading: str
    analysis_intro: str
    introduction: str
    figure_caption: str
    table_header: tuple[str, str]
    describe: str  # "{domain}" is filled in
    conjunction: str  # "and", joining the last item of an enumeration
    filler: tuple[str, ...]


EN = LanguageTexts(
    code="en",
    conjunction="and",
    title="Smart Specialisation Strategy of {region} 2021-2027",
    domains=(
        "Sustainable food production",
        "Marine and maritime technologies",
        "Advanced manufacturing",
        "Health and life sciences",
        "Renewable energy systems",
        "Digital services and software",
        "Forest-based bioeconomy",
        "Sustainable tourism",
        "Smart mobility and logistics",
        "Creative and cultural industries",
        "Space and aeronautics",
        "Circular construction",
        "Water technologies",
        "Textiles and fashion",
    ),
    objectives=(
        "Access to funding for small firms",
        "Boosting the growth of SMEs",
        "Stronger links between universities and companies",
        "More skilled workers",
        "Better internationalisation of firms",
        "Simpler administrative procedures",
    ),
    instruments=(
        "Innovation vouchers",
        "Grants for research projects",
        "Loan guarantees",
        "Cluster management support",
        "Public procurement of innovation",
        "Training programmes for staff",
    ),
    selection_heading="Specialisation domains",
    selection_intro="Following the entrepreneurial discovery process, the strategy selects "
    "the following priority domains:",
    summary_intro="In short, the strategy concentrates its support on these specialisation areas:",
    objectives_heading="Strategic objectives",
    objectives_intro="To reach its vision the strategy pursues the following objectives:",
    instruments_heading="Policy instruments",
    instruments_intro="The following support instruments and measures will be used:",
    analysis_heading="Analysis of candidate sectors",
    analysis_intro="The regional analysis examined the following candidate sectors, not all "
    "of which were retained:",
    introduction="Introduction",
    figure_caption="Figure 1: The specialisation domains of the strategy",
    table_header=("Domain", "Description"),
    describe="{domain} builds on the companies, research groups and skills already present "
    "in the region and has strong potential for growth.",
    filler=(
        "The region has a diverse economy with many small and medium-sized enterprises.",
        "Regional partners took part in workshops over two years to prepare this document.",
        "Public research organisations and universities cooperate closely with industry.",
        "Investment in research and development remains below the national average.",
        "The strategy will be reviewed regularly with all stakeholders of the region.",
        "Demographic change and the green transition shape the needs of the coming years.",
    ),
)

DE = LanguageTexts(
    code="de",
    conjunction="und",
    title="Regionale Innovationsstrategie {region} 2021-2027",
    domains=(
        "Nachhaltige Lebensmittelproduktion",
        "Meerestechnik und maritime Wirtschaft",
        "Fortschrittliche Fertigung",
        "Gesundheit und Lebenswissenschaften",
        "Erneuerbare Energiesysteme",
        "Digitale Dienste und Software",
        "Forstbasierte Bioökonomie",
        "Nachhaltiger Tourismus",
        "Intelligente Mobilität und Logistik",
        "Kultur- und Kreativwirtschaft",
        "Luft- und Raumfahrt",
        "Kreislauforientiertes Bauen",
        "Wassertechnologien",
        "Textil und Mode",
    ),
    objectives=(
        "Besserer Zugang zu Finanzierung",
        "Wachstum kleiner und mittlerer Unternehmen",
        "Engere Zusammenarbeit von Hochschulen und Wirtschaft",
        "Mehr Fachkräfte",
        "Stärkere Internationalisierung der Betriebe",
        "Einfachere Verwaltungsverfahren",
    ),
    instruments=(
        "Innovationsgutscheine",
        "Zuschüsse für Forschungsprojekte",
        "Bürgschaften für Kredite",
        "Förderung des Clustermanagements",
        "Innovative öffentliche Beschaffung",
        "Weiterbildungsprogramme für Beschäftigte",
    ),
    selection_heading="Spezialisierungsfelder",
    selection_intro="Als Ergebnis des unternehmerischen Entdeckungsprozesses legt die Strategie "
    "folgende Schwerpunktfelder fest:",
    summary_intro="Kurz gefasst konzentriert die Strategie ihre Förderung auf diese "
    "Zukunftsfelder:",
    objectives_heading="Strategische Ziele",
    objectives_intro="Um ihre Vision zu erreichen, verfolgt die Strategie folgende Ziele:",
    instruments_heading="Förderinstrumente",
    instruments_intro="Folgende Instrumente und Maßnahmen werden eingesetzt:",
    analysis_heading="Analyse möglicher Branchen",
    analysis_intro="Die regionale Analyse hat folgende Kandidaten untersucht, von denen nicht "
    "alle ausgewählt wurden:",
    introduction="Einleitung",
    figure_caption="Abbildung 1: Die Spezialisierungsfelder der Strategie",
    table_header=("Feld", "Beschreibung"),
    describe="{domain} baut auf den Unternehmen, Forschungsgruppen und Kompetenzen der Region "
    "auf und hat ein hohes Wachstumspotenzial.",
    filler=(
        "Die Region hat eine vielfältige Wirtschaft mit vielen kleinen und mittleren Betrieben.",
        "Regionale Partner haben zwei Jahre lang in Workshops an diesem Dokument gearbeitet.",
        "Hochschulen und Forschungseinrichtungen arbeiten eng mit der Industrie zusammen.",
        "Die Ausgaben für Forschung und Entwicklung liegen unter dem Bundesdurchschnitt.",
        "Die Strategie wird regelmäßig mit allen Beteiligten der Region überprüft.",
        "Der demografische Wandel und die Energiewende prägen die kommenden Jahre.",
    ),
)

FR = LanguageTexts(
    code="fr",
    conjunction="et",
    title="Stratégie de spécialisation intelligente de {region} 2021-2027",
    domains=(
        "Production alimentaire durable",
        "Technologies marines et maritimes",
        "Fabrication avancée",
        "Santé et sciences de la vie",
        "Systèmes d'énergie renouvelable",
        "Services numériques et logiciels",
        "Bioéconomie forestière",
        "Tourisme durable",
        "Mobilité intelligente et logistique",
        "Industries culturelles et créatives",
        "Espace et aéronautique",
        "Construction circulaire",
        "Technologies de l'eau",
        "Textile et mode",
    ),
    objectives=(
        "Faciliter l'accès au financement",
        "Renforcer la croissance des PME",
        "Rapprocher universités et entreprises",
        "Former davantage de travailleurs qualifiés",
        "Accroître l'internationalisation des entreprises",
        "Simplifier les démarches administratives",
    ),
    instruments=(
        "Chèques innovation",
        "Subventions aux projets de recherche",
        "Garanties de prêts",
        "Soutien à l'animation des pôles",
        "Achats publics innovants",
        "Programmes de formation du personnel",
    ),
    selection_heading="Domaines de spécialisation",
    selection_intro="À l'issue du processus de découverte entrepreneuriale, la stratégie "
    "retient les domaines prioritaires suivants :",
    summary_intro="En résumé, la stratégie concentre son soutien sur ces domaines stratégiques :",
    objectives_heading="Objectifs stratégiques",
    objectives_intro="Pour réaliser sa vision, la stratégie poursuit les objectifs suivants :",
    instruments_heading="Instruments d'intervention",
    instruments_intro="Les instruments et mesures de soutien suivants seront mobilisés :",
    analysis_heading="Analyse des secteurs candidats",
    analysis_intro="L'analyse régionale a étudié les secteurs candidats suivants, qui n'ont "
    "pas tous été retenus :",
    introduction="Introduction",
    figure_caption="Figure 1 : Les domaines de spécialisation de la stratégie",
    table_header=("Domaine", "Description"),
    describe="{domain} s'appuie sur les entreprises, les équipes de recherche et les "
    "compétences présentes dans la région et offre un fort potentiel de croissance.",
    filler=(
        "La région dispose d'une économie diversifiée composée de nombreuses PME.",
        "Les partenaires régionaux ont participé à des ateliers pendant deux ans.",
        "Les universités et les organismes de recherche coopèrent avec l'industrie.",
        "L'investissement en recherche et développement reste inférieur à la moyenne nationale.",
        "La stratégie sera revue régulièrement avec l'ensemble des acteurs régionaux.",
        "Le vieillissement et la transition écologique façonnent les besoins futurs.",
    ),
)

ES = LanguageTexts(
    code="es",
    conjunction="y",
    title="Estrategia de especialización inteligente de {region} 2021-2027",
    domains=(
        "Producción alimentaria sostenible",
        "Tecnologías marinas y marítimas",
        "Fabricación avanzada",
        "Salud y ciencias de la vida",
        "Sistemas de energía renovable",
        "Servicios digitales y software",
        "Bioeconomía forestal",
        "Turismo sostenible",
        "Movilidad inteligente y logística",
        "Industrias culturales y creativas",
        "Espacio y aeronáutica",
        "Construcción circular",
        "Tecnologías del agua",
        "Textil y moda",
    ),
    objectives=(
        "Mejorar el acceso a la financiación",
        "Impulsar el crecimiento de las pymes",
        "Acercar universidades y empresas",
        "Formar más trabajadores cualificados",
        "Aumentar la internacionalización de las empresas",
        "Simplificar los trámites administrativos",
    ),
    instruments=(
        "Bonos de innovación",
        "Subvenciones a proyectos de investigación",
        "Garantías de préstamos",
        "Apoyo a la gestión de clústeres",
        "Compra pública innovadora",
        "Programas de formación del personal",
    ),
    selection_heading="Ámbitos de especialización",
    selection_intro="Tras el proceso de descubrimiento emprendedor, la estrategia selecciona "
    "los siguientes ámbitos prioritarios:",
    summary_intro="En resumen, la estrategia concentra su apoyo en estas áreas de especialización:",
    objectives_heading="Objetivos estratégicos",
    objectives_intro="Para alcanzar su visión, la estrategia persigue los siguientes objetivos:",
    instruments_heading="Instrumentos",
    instruments_intro="Se utilizarán los siguientes instrumentos y medidas de apoyo:",
    analysis_heading="Análisis de sectores candidatos",
    analysis_intro="El análisis regional estudió los siguientes sectores candidatos, no todos "
    "ellos seleccionados:",
    introduction="Introducción",
    figure_caption="Figura 1: Los ámbitos de especialización de la estrategia",
    table_header=("Ámbito", "Descripción"),
    describe="{domain} se apoya en las empresas, los grupos de investigación y las capacidades "
    "de la región y tiene un gran potencial de crecimiento.",
    filler=(
        "La región tiene una economía diversa con muchas pequeñas y medianas empresas.",
        "Los socios regionales participaron en talleres durante dos años.",
        "Las universidades y los centros de investigación colaboran con la industria.",
        "La inversión en investigación y desarrollo sigue por debajo de la media nacional.",
        "La estrategia se revisará periódicamente con todos los agentes de la región.",
        "El cambio demográfico y la transición verde marcan las necesidades futuras.",
    ),
)

IT = LanguageTexts(
    code="it",
    conjunction="e",
    title="Strategia di specializzazione intelligente di {region} 2021-2027",
    domains=(
        "Produzione alimentare sostenibile",
        "Tecnologie marine e marittime",
        "Manifattura avanzata",
        "Salute e scienze della vita",
        "Sistemi di energia rinnovabile",
        "Servizi digitali e software",
        "Bioeconomia forestale",
        "Turismo sostenibile",
        "Mobilità intelligente e logistica",
        "Industrie culturali e creative",
        "Aerospazio",
        "Edilizia circolare",
        "Tecnologie dell'acqua",
        "Tessile e moda",
    ),
    objectives=(
        "Migliorare l'accesso al credito",
        "Sostenere la crescita delle PMI",
        "Avvicinare università e imprese",
        "Formare più lavoratori qualificati",
        "Rafforzare l'internazionalizzazione delle imprese",
        "Semplificare le procedure amministrative",
    ),
    instruments=(
        "Voucher per l'innovazione",
        "Contributi a progetti di ricerca",
        "Garanzie sui prestiti",
        "Sostegno alla gestione dei cluster",
        "Appalti pubblici innovativi",
        "Programmi di formazione del personale",
    ),
    selection_heading="Aree di specializzazione",
    selection_intro="A seguito del processo di scoperta imprenditoriale, la strategia "
    "individua i seguenti ambiti prioritari:",
    summary_intro="In sintesi, la strategia concentra il suo sostegno su queste aree tematiche:",
    objectives_heading="Obiettivi strategici",
    objectives_intro="Per realizzare la sua visione la strategia persegue i seguenti obiettivi:",
    instruments_heading="Strumenti di intervento",
    instruments_intro="Saranno utilizzati i seguenti strumenti e misure di sostegno:",
    analysis_heading="Analisi dei settori candidati",
    analysis_intro="L'analisi regionale ha esaminato i seguenti settori candidati, non tutti "
    "selezionati:",
    introduction="Introduzione",
    figure_caption="Figura 1: Le aree di specializzazione della strategia",
    table_header=("Area", "Descrizione"),
    describe="{domain} si basa sulle imprese, sui gruppi di ricerca e sulle competenze "
    "presenti nella regione e ha un forte potenziale di crescita.",
    filler=(
        "La regione ha un'economia diversificata con molte piccole e medie imprese.",
        "I partner regionali hanno partecipato a laboratori per due anni.",
        "Le università e gli enti di ricerca collaborano strettamente con l'industria.",
        "La spesa in ricerca e sviluppo resta inferiore alla media nazionale.",
        "La strategia sarà rivista regolarmente con tutti i soggetti della regione.",
        "Il cambiamento demografico e la transizione verde orientano i bisogni futuri.",
    ),
)

PL = LanguageTexts(
    code="pl",
    conjunction="i",
    title="Regionalna strategia inteligentnej specjalizacji {region} 2021-2027",
    domains=(
        "Zrównoważona produkcja żywności",
        "Technologie morskie",
        "Zaawansowana produkcja",
        "Zdrowie i nauki przyrodnicze",
        "Systemy energii odnawialnej",
        "Usługi cyfrowe i oprogramowanie",
        "Biogospodarka leśna",
        "Zrównoważona turystyka",
        "Inteligentna mobilność i logistyka",
        "Przemysły kultury i kreatywne",
        "Przemysł kosmiczny i lotniczy",
        "Budownictwo o obiegu zamkniętym",
        "Technologie wodne",
        "Tekstylia i moda",
    ),
    objectives=(
        "Lepszy dostęp do finansowania",
        "Wzrost małych i średnich przedsiębiorstw",
        "Współpraca uczelni z przedsiębiorstwami",
        "Więcej wykwalifikowanych pracowników",
        "Umiędzynarodowienie firm",
        "Prostsze procedury administracyjne",
    ),
    instruments=(
        "Bony na innowacje",
        "Dotacje na projekty badawcze",
        "Poręczenia kredytowe",
        "Wsparcie koordynatorów klastrów",
        "Zamówienia publiczne na innowacje",
        "Programy szkoleń dla pracowników",
    ),
    selection_heading="Obszary inteligentnej specjalizacji",
    selection_intro="W wyniku procesu przedsiębiorczego odkrywania strategia wskazuje "
    "następujące obszary priorytetowe:",
    summary_intro="W skrócie, strategia koncentruje wsparcie na tych obszarach specjalizacji:",
    objectives_heading="Cele strategiczne",
    objectives_intro="Aby zrealizować swoją wizję, strategia realizuje następujące cele:",
    instruments_heading="Instrumenty wsparcia",
    instruments_intro="Wykorzystane zostaną następujące instrumenty i działania:",
    analysis_heading="Analiza sektorów kandydujących",
    analysis_intro="Analiza regionalna objęła następujące sektory kandydujące, z których nie "
    "wszystkie zostały wybrane:",
    introduction="Wprowadzenie",
    figure_caption="Rysunek 1: Obszary specjalizacji strategii",
    table_header=("Obszar", "Opis"),
    describe="{domain} opiera się na firmach, zespołach badawczych i kompetencjach obecnych w "
    "regionie i ma duży potencjał wzrostu.",
    filler=(
        "Region ma zróżnicowaną gospodarkę z wieloma małymi i średnimi firmami.",
        "Partnerzy regionalni przez dwa lata uczestniczyli w warsztatach.",
        "Uczelnie i instytuty badawcze ściśle współpracują z przemysłem.",
        "Nakłady na badania i rozwój pozostają poniżej średniej krajowej.",
        "Strategia będzie regularnie przeglądana ze wszystkimi partnerami regionu.",
        "Zmiany demograficzne i transformacja ekologiczna kształtują przyszłe potrzeby.",
    ),
)

CS = LanguageTexts(
    code="cs",
    conjunction="a",
    title="Regionální inovační strategie {region} 2021-2027",
    domains=(
        "Udržitelná produkce potravin",
        "Námořní technologie",
        "Pokročilá výroba",
        "Zdraví a vědy o živé přírodě",
        "Systémy obnovitelné energie",
        "Digitální služby a software",
        "Lesní biohospodářství",
        "Udržitelný cestovní ruch",
        "Chytrá mobilita a logistika",
        "Kulturní a kreativní odvětví",
        "Letectví a kosmonautika",
        "Oběhové stavebnictví",
        "Vodní technologie",
        "Textil a móda",
    ),
    objectives=(
        "Lepší přístup k financování",
        "Růst malých a středních podniků",
        "Spolupráce vysokých škol s firmami",
        "Více kvalifikovaných pracovníků",
        "Internacionalizace podniků",
        "Jednodušší správní postupy",
    ),
    instruments=(
        "Inovační vouchery",
        "Dotace na výzkumné projekty",
        "Záruky za úvěry",
        "Podpora řízení klastrů",
        "Inovativní veřejné zakázky",
        "Programy vzdělávání zaměstnanců",
    ),
    selection_heading="Domény specializace",
    selection_intro="Na základě procesu podnikatelského objevování strategie vymezuje tyto "
    "prioritní domény:",
    summary_intro="Stručně řečeno, strategie soustřeďuje podporu do těchto oblastí specializace:",
    objectives_heading="Strategické cíle",
    objectives_intro="K naplnění své vize strategie sleduje tyto cíle:",
    instruments_heading="Nástroje podpory",
    instruments_intro="Budou využity tyto nástroje a opatření:",
    analysis_heading="Analýza kandidátských odvětví",
    analysis_intro="Regionální analýza posoudila tato kandidátská odvětví, z nichž ne všechna "
    "byla vybrána:",
    introduction="Úvod",
    figure_caption="Obrázek 1: Domény specializace strategie",
    table_header=("Doména", "Popis"),
    describe="{domain} staví na firmách, výzkumných týmech a dovednostech v regionu a má velký "
    "potenciál růstu.",
    filler=(
        "Region má rozmanitou ekonomiku s mnoha malými a středními podniky.",
        "Regionální partneři se dva roky účastnili pracovních setkání.",
        "Vysoké školy a výzkumné instituce úzce spolupracují s průmyslem.",
        "Výdaje na výzkum a vývoj zůstávají pod celostátním průměrem.",
        "Strategie bude pravidelně přezkoumávána se všemi partnery v regionu.",
        "Demografické změny a zelená transformace určují budoucí potřeby.",
    ),
)

PT = LanguageTexts(
    code="pt",
    conjunction="e",
    title="Estratégia de especialização inteligente de {region} 2021-2027",
    domains=(
        "Produção alimentar sustentável",
        "Tecnologias marinhas e marítimas",
        "Fabrico avançado",
        "Saúde e ciências da vida",
        "Sistemas de energia renovável",
        "Serviços digitais e software",
        "Bioeconomia florestal",
        "Turismo sustentável",
        "Mobilidade inteligente e logística",
        "Indústrias culturais e criativas",
        "Espaço e aeronáutica",
        "Construção circular",
        "Tecnologias da água",
        "Têxtil e moda",
    ),
    objectives=(
        "Melhorar o acesso ao financiamento",
        "Apoiar o crescimento das PME",
        "Aproximar universidades e empresas",
        "Formar mais trabalhadores qualificados",
        "Reforçar a internacionalização das empresas",
        "Simplificar os procedimentos administrativos",
    ),
    instruments=(
        "Vales de inovação",
        "Subsídios a projetos de investigação",
        "Garantias de empréstimos",
        "Apoio à gestão de clusters",
        "Contratação pública de inovação",
        "Programas de formação do pessoal",
    ),
    selection_heading="Domínios de especialização",
    selection_intro="Na sequência do processo de descoberta empreendedora, a estratégia "
    "seleciona os seguintes domínios prioritários:",
    summary_intro="Em resumo, a estratégia concentra o seu apoio nestas áreas de especialização:",
    objectives_heading="Objetivos estratégicos",
    objectives_intro="Para alcançar a sua visão, a estratégia prossegue os seguintes objetivos:",
    instruments_heading="Instrumentos de apoio",
    instruments_intro="Serão utilizados os seguintes instrumentos e medidas de apoio:",
    analysis_heading="Análise dos setores candidatos",
    analysis_intro="A análise regional estudou os seguintes setores candidatos, nem todos "
    "selecionados:",
    introduction="Introdução",
    figure_caption="Figura 1: Os domínios de especialização da estratégia",
    table_header=("Domínio", "Descrição"),
    describe="{domain} assenta nas empresas, nos grupos de investigação e nas competências da "
    "região e tem um forte potencial de crescimento.",
    filler=(
        "A região tem uma economia diversificada com muitas pequenas e médias empresas.",
        "Os parceiros regionais participaram em oficinas durante dois anos.",
        "As universidades e os centros de investigação cooperam com a indústria.",
        "O investimento em investigação e desenvolvimento continua abaixo da média nacional.",
        "A estratégia será revista regularmente com todos os atores da região.",
        "A mudança demográfica e a transição verde moldam as necessidades futuras.",
    ),
)

LANGUAGES: dict[str, LanguageTexts] = {t.code: t for t in (EN, DE, FR, ES, IT, PL, CS, PT)}
