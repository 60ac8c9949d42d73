"""Demo data at scale: `manage.py seed_demo --scale N` generates it, `--remove` takes it away.

The rows are fictional but shaped like the real ones: the region's names in their own letters
(Estonian, Latvian, Lithuanian, Polish, Nordic, German, Cyrillic), dates known to a day, a month
or a year (docs/adr/0001) spread over decades, a few drafts among published rows, and the
relations the pages show (partners and funders, programmes with speakers, language editions,
topics). One unit of scale is one presidency's year: 30 meetings, 10 projects, 200 publications
with about 500 editions, 100 organisations and 100 contact points. Presidencies take one free
year each, counting back from 2026, so a large scale reaches back before the group existed.

Demo organisations and contact points say "(demo)" in their names and every slug starts with
"demo-", so people see what is fictional; removal goes by `DemoRecord`, the list of rows this
module wrote, never by a name. The same scale always gives the same rows (a seeded random
generator, fixed dates), and rows are written with `bulk_create` in batches, their relations
worked out in memory, so the number of queries does not grow with the rows.
"""

import datetime
import itertools
import random
import unicodedata

from auditlog.context import disable_auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from carportal.cache import content_changed
from carportal.dates import DatePrecision, widen
from carportal.models import Country, DemoRecord, Language, Organisation, Topic
from carportal.search import search_vectors_deferred
from meetings.models import Meeting, MeetingSession, Presentation, Presidency
from network.models import CURRENT_CONSENT_VERSION, ContactPoint, ContactPointLanguage
from projects.models import Project, ProjectFunding, ProjectPartner
from publications.models import Edition, Publication

PER_SCALE = {
    "organisations": 100,
    "projects": 10,
    "meetings": 30,
    "publications": 200,
    "contact_points": 100,
}
LATEST_YEAR = 2026
BATCH_SIZE = 2000
SAMPLE_FILE = "publications/demo/sample-edition.pdf"
EMAIL_DOMAIN = "demo.example.org"
# The order in which demo rows are removed: what points at a row with PROTECT goes first.
REMOVAL_ORDER = [ContactPoint, Publication, Meeting, Presidency, Project, Organisation]
# The tables whose search triggers wait until the whole load or removal is written (an
# edition's recomputes its publication's vector).
SEARCHED = [Presidency, Meeting, Project, Publication, Edition]


class DemoError(Exception):
    """What stops seeding or removing demo data, in words for the person running it."""


def _names(text):
    return text.split(", ")


class Place:
    """A country's cities, people's names and organisations, in its own language."""

    def __init__(self, language, cities, women, men, surnames, units, adjective=""):
        self.language = language
        self.adjective = adjective
        self.cities = _names(cities)
        self.women = _names(women)
        self.men = _names(men)
        # "female/male" where a surname takes the person's gender, else one form for both.
        self.surnames = [
            tuple(name.split("/")) * (2 - name.count("/")) for name in _names(surnames)
        ]
        # (kind, name): "{city}" marks where the city goes.
        self.units = units

    def person(self, rng):
        female = rng.random() < 0.6  # as in the professions the network gathers
        surname = rng.choice(self.surnames)[0 if female else 1]
        return rng.choice(self.women if female else self.men), surname


AGENCY, NGO, RESEARCH = (
    Organisation.Kind.AGENCY,
    Organisation.Kind.NGO,
    Organisation.Kind.RESEARCH,
)
OMBUDSPERSON = Organisation.Kind.OMBUDSPERSON

REGION = {
    "ee": Place(
        "et",
        "Tallinn, Tartu, Pärnu, Jõhvi, Kuressaare, Võru, Narva, Viljandi",
        "Mari, Kädi, Tiina, Ülle, Liis, Mägi-Ly, Kristiina, Pille",
        "Jüri, Tõnu, Märt, Andres, Priit, Jaan, Õnne, Rein",
        "Tamm, Saar, Mägi, Kõiv, Pärn, Sepp, Rebane, Jõgi, Lepik, Käär",
        [
            (AGENCY, "Lastekaitse Keskus, {city}"),
            (AGENCY, "Lastemaja, {city}"),
            (NGO, "MTÜ Turvaline Lapsepõlv, {city}"),
            (NGO, "Perede Nõustamiskeskus, {city}"),
            (RESEARCH, "Lapsepõlveuuringute Keskus, {city}"),
        ],
        "Estonian",
    ),
    "lv": Place(
        "lv",
        "Rīga, Jūrmala, Liepāja, Daugavpils, Cēsis, Ventspils, Jelgava, Rēzekne",
        "Līga, Anna, Ilze, Dace, Māra, Inese, Zane, Ieva",
        "Jānis, Mārtiņš, Andris, Pēteris, Edgars, Kārlis, Raimonds, Uldis",
        "Bērziņa/Bērziņš, Kalniņa/Kalniņš, Ozoliņa/Ozoliņš, Liepa, Krūmiņa/Krūmiņš, "
        "Zariņa/Zariņš, Vītola/Vītols, Kļaviņa/Kļaviņš",
        [
            (AGENCY, "Bērnu tiesību aizsardzības centrs, {city}"),
            (AGENCY, "Sociālais dienests, {city}"),
            (NGO, "Biedrība „Drošā bērnība”, {city}"),
            (NGO, "Ģimeņu atbalsta centrs, {city}"),
            (RESEARCH, "Bērnības pētījumu centrs, {city}"),
        ],
        "Latvian",
    ),
    "lt": Place(
        "lt",
        "Vilnius, Kaunas, Klaipėda, Šiauliai, Panevėžys, Druskininkai, Alytus, Marijampolė",
        "Rūta, Gintarė, Aušra, Jūratė, Eglė, Dalia, Ieva, Živilė",
        "Jonas, Žydrūnas, Mantas, Tomas, Darius, Vytautas, Linas, Saulius",
        "Kazlauskaitė/Kazlauskas, Petrauskaitė/Petrauskas, Žukauskaitė/Žukauskas, "
        "Jankauskaitė/Jankauskas, Butkutė/Butkus, Vaitkutė/Vaitkus, Šimkutė/Šimkus",
        [
            (AGENCY, "Vaiko teisių apsaugos skyrius, {city}"),
            (AGENCY, "Vaikų gerovės centras, {city}"),
            (NGO, "Asociacija „Saugi vaikystė“, {city}"),
            (NGO, "Šeimos paramos centras, {city}"),
            (RESEARCH, "Vaikystės tyrimų centras, {city}"),
        ],
        "Lithuanian",
    ),
    "pl": Place(
        "pl",
        "Warszawa, Gdańsk, Kraków, Łódź, Wrocław, Poznań, Toruń, Białystok",
        "Małgorzata, Zofia, Agnieszka, Katarzyna, Joanna, Jadwiga, Ewa, Bożena",
        "Łukasz, Wojciech, Paweł, Krzysztof, Michał, Grzegorz, Piotr, Jędrzej",
        "Nowak, Wiśniewska/Wiśniewski, Wójcik, Kowalczyk, Żak, Lewandowska/Lewandowski, "
        "Dąbrowska/Dąbrowski, Szymańska/Szymański, Woźniak",
        [
            (AGENCY, "Ośrodek Interwencji Kryzysowej, {city}"),
            (AGENCY, "Centrum Pomocy Dzieciom, {city}"),
            (NGO, "Fundacja „Bezpieczne Dzieciństwo”, {city}"),
            (NGO, "Stowarzyszenie Rodzin Zastępczych, {city}"),
            (OMBUDSPERSON, "Biuro Rzecznika Praw Dziecka, {city}"),
        ],
        "Polish",
    ),
    "fi": Place(
        "fi",
        "Helsinki, Tampere, Jyväskylä, Rovaniemi, Hämeenlinna, Oulu, Turku, Seinäjoki",
        "Aino, Päivi, Sanna, Minna, Hanna-Mari, Tuulikki, Sirpa, Elina",
        "Jyrki, Mikko, Antti, Jussi, Pekka, Väinö, Heikki, Tapani",
        "Mäkinen, Häkkinen, Virtanen, Kärkkäinen, Heikkilä, Järvinen, Nieminen, Hämäläinen",
        [
            (AGENCY, "{city} Lastentalo"),
            (AGENCY, "{city} Lastensuojelun palvelut"),
            (NGO, "{city} Lasten turvallisuuden yhdistys ry"),
            (AGENCY, "{city} Perheneuvola"),
            (RESEARCH, "{city} Lapsuudentutkimuksen keskus"),
        ],
        "Finnish",
    ),
    "se": Place(
        "sv",
        "Stockholm, Göteborg, Malmö, Umeå, Västerås, Örebro, Visby, Luleå",
        "Åsa, Märta, Ingrid, Sofia, Karin, Linnéa, Maja, Birgitta",
        "Björn, Anders, Göran, Lars, Håkan, Mats, Pär, Olof",
        "Åberg, Lindqvist, Öberg, Johansson, Söderström, Ångström, Nyström, Sjögren",
        [
            (AGENCY, "Barnahus {city}"),
            (AGENCY, "Socialtjänsten {city}, barn och unga"),
            (NGO, "Föreningen Trygg Barndom {city}"),
            (AGENCY, "Familjecentralen {city}"),
            (RESEARCH, "Centrum för barnrättsforskning, {city}"),
        ],
        "Swedish",
    ),
    "no": Place(
        "no",
        "Oslo, Bergen, Tromsø, Trondheim, Bodø, Ålesund, Kristiansand, Stavanger",
        "Solveig, Ingrid, Kari, Åse, Sigrid, Marte, Tone, Ragnhild",
        "Øystein, Bjørn, Ole, Håvard, Tor, Ståle, Eirik, Knut",
        "Løvaas, Sæther, Dahl, Haugen, Bråten, Strøm, Ødegård, Hansen",
        [
            (AGENCY, "Statens barnehus {city}"),
            (AGENCY, "Barneverntjenesten i {city}"),
            (NGO, "Foreningen Trygg Oppvekst {city}"),
            (AGENCY, "Familievernkontoret {city}"),
            (RESEARCH, "Senter for barneforskning, {city}"),
        ],
        "Norwegian",
    ),
    "dk": Place(
        "da",
        "København, Aarhus, Odense, Aalborg, Helsingør, Esbjerg, Roskilde, Næstved",
        "Mette, Søs, Birthe, Louise, Ida, Maja, Pernille, Tove",
        "Søren, Jørgen, Niels, Mads, Rasmus, Bjarne, Anders, Ebbe",
        "Jørgensen, Sørensen, Møller, Nielsen, Kjær, Østergaard, Lykke, Bæk",
        [
            (AGENCY, "Børnehus {city}"),
            (AGENCY, "Familieafdelingen, {city} Kommune"),
            (NGO, "Foreningen Tryg Barndom {city}"),
            (NGO, "Center for Børns Trivsel, {city}"),
            (RESEARCH, "Center for Børneforskning, {city}"),
        ],
        "Danish",
    ),
    "is": Place(
        "is",
        "Reykjavík, Akureyri, Ísafjörður, Hafnarfjörður, Kópavogur, Egilsstaðir",
        "Þóra, Guðrún, Sigríður, Ásdís, Hildur, Ragnheiður",
        "Sigurður, Þórður, Jón, Guðmundur, Ólafur, Einar",
        "Jónsdóttir/Jónsson, Sigurðardóttir/Sigurðsson, Guðmundsdóttir/Guðmundsson, "
        "Þórsdóttir/Þórsson, Ólafsdóttir/Ólafsson",
        [
            (AGENCY, "Barnahús, {city}"),
            (AGENCY, "Barnavernd {city}"),
            (NGO, "Samtökin Örugg æska, {city}"),
            (AGENCY, "Fjölskylduþjónustan, {city}"),
        ],
        "Icelandic",
    ),
    "de": Place(
        "de",
        "Berlin, Hamburg, Kiel, Lübeck, Rostock, Greifswald, Flensburg, Schwerin",
        "Käthe, Jürgen, Anneliese, Sabine, Ursula, Jana, Lena, Gisela",
        "Jörg, Uwe, Günter, Klaus, Matthias, Stefan, Björn, Jürgen",
        "Müller, Schröder, Köhler, Weiß, Schäfer, Böhm, Krüger, Jäger",
        [
            (AGENCY, "Kinderschutzzentrum {city}"),
            (AGENCY, "Jugendamt {city}"),
            (NGO, "Verein Sichere Kindheit {city} e. V."),
            (NGO, "Beratungsstelle für Familien, {city}"),
            (RESEARCH, "Institut für Kindheitsforschung, {city}"),
        ],
        "German",
    ),
    "ua": Place(
        "uk",
        "Київ, Львів, Одеса, Харків, Дніпро, Чернівці",
        "Олена, Оксана, Ірина, Наталія, Тетяна, Юлія",
        "Тарас, Андрій, Олександр, Богдан, Віталій, Юрій",
        "Шевченко, Коваленко, Бондаренко, Ткаченко, Кравчук, Мельник, Лисенко",
        [
            (AGENCY, "Служба у справах дітей, {city}"),
            (AGENCY, "Центр соціальних служб, {city}"),
            (NGO, "Благодійний фонд «Безпечне дитинство», {city}"),
            (NGO, "Центр захисту прав дитини, {city}"),
        ],
    ),
    "ru": Place(
        "ru",
        "Санкт-Петербург, Калининград, Псков, Великий Новгород",
        "Анна, Мария, Елена, Ольга, Татьяна, Наталья",
        "Дмитрий, Сергей, Алексей, Михаил, Андрей, Владимир",
        "Иванова/Иванов, Смирнова/Смирнов, Кузнецова/Кузнецов, Попова/Попов, "
        "Соколова/Соколов, Лебедева/Лебедев",
        [
            (AGENCY, "Центр помощи детям, {city}"),
            (AGENCY, "Отдел опеки и попечительства, {city}"),
            (NGO, "Фонд «Безопасное детство», {city}"),
        ],
    ),
}
# Member states chair in turn; a presidency's country is the one whose turn the year is.
ROTATION = ["dk", "ee", "fi", "de", "is", "lv", "lt", "no", "pl", "se"]
INTERNATIONAL = [
    (Organisation.Kind.INTERGOVERNMENTAL, "Baltic Sea Child Rights Forum"),
    (Organisation.Kind.INTERGOVERNMENTAL, "Nordic–Baltic Barnahus Network"),
    (NGO, "Children on the Move Alliance"),
    (RESEARCH, "Baltic Institute for Childhood Studies"),
]
FUNDERS = [
    "{city} Children's Foundation",
    "Baltic Sea Region Programme for Social Inclusion",
    "Fund for Children's Rights in the North",
]
PROGRAMMES = [
    "Rights, Equality and Citizenship Programme",
    "Citizens, Equality, Rights and Values Programme",
    "Interreg Baltic Sea Region",
    "Nordic–Baltic Mobility Programme",
    "Internal Security Fund",
    "",
]

SUBJECTS = {
    "prevention-family-support": ["early support for families", "positive parenting"],
    "child-friendly-justice": ["child-friendly justice", "children's rights in court"],
    "alternative-care": ["alternative care", "foster care and guardianship"],
    "sexual-abuse": ["sexual abuse of children", "sexual exploitation of children"],
    "child-trafficking": ["child trafficking", "exploitation in begging and crime"],
    "migration": ["unaccompanied migrant children", "children in migration"],
    "violence-against-children": ["violence against children", "domestic violence"],
    "online-safety": ["online sexual violence", "safety online"],
    "corporal-punishment": ["corporal punishment", "non-violent upbringing"],
    "child-participation": ["child participation", "listening to children"],
    "barnahus": ["Barnahus services", "forensic interviews of children"],
    "crisis-preparedness": ["children in crises", "resilient child protection"],
}
AUDIENCES = [
    "social workers",
    "police officers",
    "prosecutors and judges",
    "guardians",
    "teachers",
    "health professionals",
    "border guards",
    "case officers",
    "child protection staff",
]
ROLES = [
    "Senior adviser",
    "Head of unit",
    "Chief specialist",
    "Project coordinator",
    "Researcher",
    "Psychologist",
    "Prosecutor",
    "Detective inspector",
    "Social worker",
    "Programme manager",
]
SENTENCES = [
    "It gathers what professionals across the Baltic Sea Region learned about {subject}.",
    "The text draws on cases from {country} and on the views of children themselves.",
    "It sets out who does what when {audience} meet a child at risk, and how agencies share "
    "information without delay.",
    "Practical checklists help {audience} recognise the signs early and refer the child.",
    "The recommendations follow the UN Convention on the Rights of the Child and the "
    "Council of Europe's guidelines on child-friendly justice.",
    "National contact points reviewed the draft, and the Expert Group adopted it at its "
    "meeting in {city}.",
    "A chapter on {subject} describes the legal framework in each member state.",
    "It ends with examples of good practice and a list of services that help.",
]
LOCAL_TITLES = {
    "et": "Juhend lastekaitse spetsialistidele",
    "lv": "Vadlīnijas bērnu aizsardzības speciālistiem",
    "lt": "Gairės vaiko teisių apsaugos specialistams",
    "pl": "Wytyczne dla specjalistów ochrony dzieci",
    "fi": "Opas lastensuojelun ammattilaisille",
    "sv": "Vägledning för yrkesverksamma inom barnskyddet",
    "no": "Veileder for fagfolk i barnevernet",
    "da": "Vejledning til fagfolk i børnebeskyttelse",
    "is": "Leiðbeiningar fyrir fagfólk í barnavernd",
    "de": "Leitfaden für Fachkräfte im Kinderschutz",
    "ru": "Руководство для специалистов по защите детей",
    "uk": "Посібник для фахівців із захисту дітей",
}
# Weights of an edition's language beside English.
EDITION_LANGUAGES = {
    "fi": 8, "et": 8, "lv": 8, "lt": 8, "pl": 7, "ru": 7, "sv": 6, "no": 4, "da": 4,
    "de": 4, "uk": 4, "is": 2,
}  # fmt: skip
PUBLICATION_KINDS = {
    Publication.Kind.REPORT: 30,
    Publication.Kind.GUIDELINES: 10,
    Publication.Kind.PRACTICAL_GUIDE: 8,
    Publication.Kind.GUIDANCE: 8,
    Publication.Kind.HANDBOOK: 8,
    Publication.Kind.CONCLUSIONS: 8,
    Publication.Kind.TRAINING_MATERIAL: 12,
    Publication.Kind.POLICY_BRIEF: 12,
    Publication.Kind.OTHER: 4,
}
PUBLICATION_TITLES = {
    Publication.Kind.REPORT: "{Subject} in the Baltic Sea Region: report {year}",
    Publication.Kind.GUIDELINES: "Guidelines on {subject} for {audience}",
    Publication.Kind.PRACTICAL_GUIDE: "{Subject}: a practical guide for {audience}",
    Publication.Kind.GUIDANCE: "Guidance on {subject}",
    Publication.Kind.HANDBOOK: "Handbook on {subject} for {audience}",
    Publication.Kind.CONCLUSIONS: "{city} Conclusions on {subject}",
    Publication.Kind.TRAINING_MATERIAL: "Training module on {subject} for {audience}",
    Publication.Kind.POLICY_BRIEF: "Policy brief: {subject}",
    Publication.Kind.OTHER: "{Subject}: a collection of practices",
}
MEETING_KINDS = {
    Meeting.Kind.EXPERT_GROUP_MEETING: 20,
    Meeting.Kind.JOINT_WORKSHOP: 15,
    Meeting.Kind.CONFERENCE: 10,
    Meeting.Kind.SEMINAR: 20,
    Meeting.Kind.TRAINING: 20,
    Meeting.Kind.WEBINAR: 15,
}
MEETING_TITLES = {
    Meeting.Kind.EXPERT_GROUP_MEETING: "Expert Group meeting in {city}",
    Meeting.Kind.JOINT_WORKSHOP: "Joint workshop on {subject}",
    Meeting.Kind.CONFERENCE: "Regional conference on {subject}",
    Meeting.Kind.SEMINAR: "Seminar on {subject} in {city}",
    Meeting.Kind.TRAINING: "Training for {audience} on {subject}",
    Meeting.Kind.WEBINAR: "Webinar: {subject}",
}
SESSION_TITLES = [
    "Opening and welcome",
    "Tour de table: news from the member states",
    "Keynote: {subject}",
    "Panel discussion: {subject}",
    "Parallel workshop: {subject}",
    "Presentation of national practices on {subject}",
    "Conclusions and next steps",
]
PROJECT_WORDS = [
    "SAFE", "CARE", "BRIDGE", "SHIELD", "HOPE", "TRUST", "VOICE", "PATH", "GUARD", "LINK",
    "HAVEN", "NEST", "ANCHOR", "BEACON", "COMPASS", "HARBOUR", "PROTECT", "JUST", "HOME",
]  # fmt: skip
PROJECT_TITLES = [
    "Strengthening {subject} in the Baltic Sea Region",
    "Building capacity of {audience} on {subject}",
    "Mapping {subject} across the CBSS member states",
    "Cross-border cooperation on {subject}",
    "Evaluating services for {subject}",
]
PRECISIONS = {DatePrecision.DAY: 70, DatePrecision.MONTH: 20, DatePrecision.YEAR: 10}
LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya ye i yi g"
CYRILLIC = {
    letter: latin.strip("-")
    for letter, latin in zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґ", LATIN.split(), strict=True)
}
ASCII = {"ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "þ": "th", "ð": "d", **CYRILLIC}


def ascii_name(name):
    """A name as the local part of an e-mail address: "Łukasz" is "lukasz", "Олена" "olena"."""
    name = "".join(ASCII.get(letter, letter) for letter in name.lower())
    return slugify(unicodedata.normalize("NFKD", name)).replace("-", "")


def weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class DemoSeeder:
    """Generates the demo rows of one scale; `run()` writes them and lists them as demo rows."""

    def __init__(self, scale, seed=0):
        self.scale = scale
        self.rng = random.Random(f"carportal-demo-{seed}")
        self.counts = {}
        self.demo_rows = []
        self.countries = {c.code: c for c in Country.objects.active()}
        self.topics = list(Topic.objects.active().order_by("pk"))
        if not self.countries or not self.topics:
            raise DemoError(
                "Load the seed content first (manage.py seed): demo rows use its countries "
                "and topics."
            )
        self.places = {code: REGION[code] for code in REGION if code in self.countries}
        self.place_list = list(self.places.items())
        self.rotation = [code for code in ROTATION if code in self.countries]

    def run(self):
        if DemoRecord.objects.exists():
            raise DemoError(
                "Demo data is already in this database: remove it first with "
                "`manage.py seed_demo --remove`."
            )
        with transaction.atomic(), search_vectors_deferred(*SEARCHED):
            self.organisations()
            self.projects()
            self.presidencies()
            self.meetings()
            self.publications()
            self.contact_points()
            self.create(DemoRecord, self.demo_rows)
            # bulk_create sends no signals: cached pages must still go stale.
            content_changed()
        return self.counts

    def create(self, model, rows, *, demo=False):
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        if demo:
            content_type = ContentType.objects.get_for_model(model)
            self.demo_rows += [DemoRecord(content_type=content_type, object_id=r.pk) for r in rows]
        label = str(model._meta.verbose_name_plural)
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        return rows

    def link(self, relation, pairs):
        """Rows of an m2m `relation` (e.g. Meeting.topics) from (owner pk, target pk) pairs."""
        through = relation.through
        source, target = relation.field.m2m_column_name(), relation.field.m2m_reverse_name()
        rows = [through(**{source: a, target: b}) for a, b in pairs]
        through.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    # What the rows say ---------------------------------------------------------------

    def place(self):
        return self.rng.choice(self.place_list)

    def subject(self, topic):
        return self.rng.choice(SUBJECTS.get(topic.slug, [topic.name.lower()]))

    def words(self, template, topic, code=None, **more):
        code = code or self.place()[0]
        subject = self.subject(topic)
        return template.format(
            subject=subject,
            Subject=subject[0].upper() + subject[1:],
            audience=self.rng.choice(AUDIENCES),
            city=self.rng.choice(self.places[code].cities),
            country=self.countries[code].name,
            **more,
        )

    def text(self, topic, sentences):
        return " ".join(
            self.words(sentence, topic) for sentence in self.rng.sample(SENTENCES, sentences)
        )

    def pick_topics(self, most=3):
        return self.rng.sample(self.topics, self.rng.randint(1, min(most, len(self.topics))))

    def partial_date(self, day, precisions=PRECISIONS):
        precision = weighted(self.rng, precisions)
        return widen(day, precision)[0], precision

    def day_in(self, first_year, last_year):
        first = datetime.date(first_year, 1, 1)
        span = (datetime.date(last_year, 12, 31) - first).days
        return first + datetime.timedelta(days=self.rng.randint(0, span))

    def status(self, draft_share=0.05):
        return "draft" if self.rng.random() < draft_share else "published"

    # The rows ------------------------------------------------------------------------

    def organisations(self):
        rows, taken = [], {}
        funders = []
        for number in range(PER_SCALE["organisations"] * self.scale):
            roll = self.rng.random()
            code, place = self.place()
            if roll < 0.04:
                kind, template = Organisation.Kind.FUNDER, self.rng.choice(FUNDERS)
            elif roll < 0.08:
                kind, template = self.rng.choice(INTERNATIONAL)
                code = None
            else:
                kind, template = self.rng.choice(place.units)
            base = template.format(city=self.rng.choice(place.cities))
            taken[base] = taken.get(base, 0) + 1
            name = f"{base} {taken[base]}" if taken[base] > 1 else base
            initials = "".join(word[0] for word in name.split() if word[0].isupper())
            row = Organisation(
                slug=f"demo-org-{number}",
                name=f"{name} (demo)",
                short_name=initials if len(initials) > 1 and self.rng.random() < 0.4 else "",
                kind=kind,
                country=self.countries[code] if code else None,
                website=f"https://example.org/{number}/" if self.rng.random() < 0.3 else "",
            )
            (funders if kind == Organisation.Kind.FUNDER else rows).append(row)
        self.partners = self.create(Organisation, rows + funders, demo=True)[: len(rows)]
        self.funders = funders

    def projects(self):
        rows, phases = [], []
        for number in range(PER_SCALE["projects"] * self.scale):
            topic = self.rng.choice(self.topics)
            start = self.day_in(1995, LATEST_YEAR + 1)
            project = Project(
                status=self.status(0.08),
                acronym=f"{self.rng.choice(PROJECT_WORDS)}-{self.rng.choice(PROJECT_WORDS)}",
                title=self.words(self.rng.choice(PROJECT_TITLES), topic),
                summary=self.text(topic, 2),
                description=self.text(topic, 5),
                outcomes="\n".join(self.words(s, topic) for s in self.rng.sample(SENTENCES, 2)),
                contact_role="Project coordinator, CBSS Secretariat",
            )
            if self.rng.random() > 0.03:  # a few whose dates nobody recorded
                project.start_date, project.start_precision = self.partial_date(start)
                if self.rng.random() > 0.1:  # else still running, its end not recorded
                    end = start + datetime.timedelta(days=self.rng.randint(300, 1500))
                    precision = weighted(self.rng, PRECISIONS)
                    project.end_date = widen(end, precision)[1]
                    project.end_precision = precision
                    # The widened start must not pass the widened end.
                    project.end_date = max(project.end_date, project.start_date)
            if rows and self.rng.random() < 0.1:
                project.parent = self.rng.choice(rows)
                project.acronym = f"{project.parent.acronym} II"
                project.title = f"{project.parent.title}: second phase"
                phases.append(project)
            else:
                rows.append(project)
            project.slug = f"demo-{number}-{slugify(project.acronym)}"[:50]
        # Phases after the projects they continue, which then have primary keys.
        self.all_projects = self.create(Project, rows, demo=True) + self.create(
            Project, phases, demo=True
        )

        partners, fundings, topics, countries = [], [], [], []
        for project in self.all_projects:
            chosen = self.rng.sample(self.partners, self.rng.randint(3, 7))
            for position, organisation in enumerate(chosen):
                role = ProjectPartner.Role.LEAD if position == 0 else ProjectPartner.Role.PARTNER
                if position > 4:
                    role = ProjectPartner.Role.ASSOCIATE
                partners.append(
                    ProjectPartner(
                        project=project, organisation=organisation, role=role, position=position
                    )
                )
            for position, funder in enumerate(
                self.rng.sample(self.funders, self.rng.randint(1, 2))
            ):
                fundings.append(
                    ProjectFunding(
                        project=project,
                        funder=funder,
                        programme=self.rng.choice(PROGRAMMES),
                        position=position,
                    )
                )
            topics += [(project.pk, t.pk) for t in self.pick_topics()]
            chosen = self.rng.sample(list(self.countries.values()), self.rng.randint(2, 6))
            countries += [(project.pk, c.pk) for c in chosen]
        self.create(ProjectPartner, partners)
        self.create(ProjectFunding, fundings)
        self.link(Project.topics, topics)
        self.link(Project.countries, countries)

    def presidencies(self):
        taken = list(Presidency.objects.values_list("start_date", "end_date"))
        rows = []
        for year in range(LATEST_YEAR, 0, -1):
            if len(rows) == self.scale:
                break
            start, end = datetime.date(year, 7, 1), datetime.date(year + 1, 6, 30)
            if any(first <= end and start <= last for first, last in taken):
                continue
            code = self.rotation[year % len(self.rotation)]
            adjective = self.places[code].adjective if code in self.places else ""
            name = f"{adjective or self.countries[code].name} Presidency {year}-{year + 1}"
            topics = self.rng.sample(self.topics, 3)
            rows.append(
                Presidency(
                    slug=f"demo-{code}-{year}-{year + 1}",
                    status=self.status(0.02),
                    name=name,
                    country=self.countries[code],
                    start_date=start,
                    end_date=end,
                    summary=f"Under the {name} the Expert Group concentrated on "
                    f"{self.subject(topics[0])} and {self.subject(topics[1])}.",
                    priorities="\n".join(self.subject(t).capitalize() for t in topics),
                    cross_cutting_themes="Child participation\nComprehensive security",
                )
            )
        self.create(Presidency, rows, demo=True)
        self.presidency_rows = rows
        pairs = {(p.pk, self.rng.choice(self.all_projects).pk) for p in rows for _ in range(2)}
        self.link(Presidency.projects, sorted(pairs))

    def meetings(self):
        rows = []
        for number in range(PER_SCALE["meetings"] * self.scale):
            presidency = self.rng.choice(self.presidency_rows)
            kind = weighted(self.rng, MEETING_KINDS)
            code = presidency.country.code if self.rng.random() < 0.6 else self.place()[0]
            topic = self.rng.choice(self.topics)
            start = presidency.start_date + datetime.timedelta(days=self.rng.randint(0, 364))
            meeting = Meeting(
                slug="",
                status=self.status(),
                title=self.words(MEETING_TITLES[kind], topic, code),
                kind=kind,
                presidency=presidency if self.rng.random() < 0.95 else None,
                summary=self.text(topic, 2),
                description=self.text(topic, 4),
                participants=self.rng.randint(12, 250) if start.year < LATEST_YEAR else None,
            )
            meeting.start_date, meeting.start_precision = self.partial_date(
                start, {DatePrecision.DAY: 85, DatePrecision.MONTH: 12, DatePrecision.YEAR: 3}
            )
            days = self.rng.choice([0, 0, 1, 2]) if kind != Meeting.Kind.WEBINAR else 0
            if meeting.start_precision == DatePrecision.DAY and days:
                meeting.end_date = start + datetime.timedelta(days=days)
            if kind != Meeting.Kind.WEBINAR:
                meeting.city = self.rng.choice(self.places[code].cities)
                meeting.country = self.countries[code]
            meeting.slug = f"demo-{number}-{slugify(meeting.title)}"[:50].rstrip("-")
            meeting.topic = topic
            rows.append(meeting)
        self.create(Meeting, rows, demo=True)

        sessions = []
        for meeting in rows:
            count = self.rng.randint(1, 2) if meeting.kind == Meeting.Kind.WEBINAR else None
            for position in range(count or self.rng.randint(3, 6)):
                template = self.rng.choice(SESSION_TITLES)
                kind = MeetingSession.Kind.SESSION
                if template.startswith("Keynote"):
                    kind = MeetingSession.Kind.KEYNOTE
                elif template.startswith("Panel"):
                    kind = MeetingSession.Kind.PANEL
                elif template.startswith("Parallel"):
                    kind = MeetingSession.Kind.PARALLEL_WORKSHOP
                session = MeetingSession(
                    meeting=meeting,
                    title=self.words(template, meeting.topic),
                    kind=kind,
                    position=position,
                )
                if meeting.start_precision == DatePrecision.DAY:
                    session.date = meeting.start_date
                    session.start_time = datetime.time(9 + position * 3 // 2, position % 2 * 30)
                    session.end_time = datetime.time(10 + position * 3 // 2, position % 2 * 30)
                sessions.append(session)
        self.create(MeetingSession, sessions)

        presentations = []
        for session in sessions:
            for position in range(self.rng.choice([0, 1, 1, 2, 3])):
                code, place = self.place()
                first, last = place.person(self.rng)
                presentations.append(
                    Presentation(
                        session=session,
                        title=self.words("Experiences from {country}", session.meeting.topic, code),
                        speaker=f"{first} {last}",
                        speaker_role=self.rng.choice(ROLES),
                        organisation=self.rng.choice(self.partners)
                        if self.rng.random() < 0.5
                        else None,
                        position=position,
                    )
                )
        self.create(Presentation, presentations)

        organisers, co_organisers, projects, topics = [], [], [], []
        for meeting in rows:
            chosen = self.rng.sample(self.partners, self.rng.randint(1, 4))
            organisers += [(meeting.pk, o.pk) for o in chosen[:1]]
            co_organisers += [(meeting.pk, o.pk) for o in chosen[1:]]
            if self.rng.random() < 0.3:
                projects.append((meeting.pk, self.rng.choice(self.all_projects).pk))
            topics += [(meeting.pk, t.pk) for t in {meeting.topic, *self.pick_topics(2)}]
        self.link(Meeting.organisers, organisers)
        self.link(Meeting.co_organisers, co_organisers)
        self.link(Meeting.projects, projects)
        self.link(Meeting.topics, topics)

    def publications(self):
        rows, addenda = [], []
        for number in range(PER_SCALE["publications"] * self.scale):
            kind = weighted(self.rng, PUBLICATION_KINDS)
            topic = self.rng.choice(self.topics)
            day = self.day_in(int(self.rng.triangular(1992, LATEST_YEAR, 2020)), LATEST_YEAR)
            publication = Publication(
                status=self.status(),
                title=self.words(PUBLICATION_TITLES[kind], topic, year=day.year),
                subtitle=self.words("Experiences from {country}", topic)
                if self.rng.random() < 0.2
                else "",
                kind=kind,
                project=self.rng.choice(self.all_projects) if self.rng.random() < 0.4 else None,
                summary=self.text(topic, 2),
                description=self.text(topic, 7),
            )
            if self.rng.random() > 0.05:  # else the date is not known
                publication.published_on, publication.published_precision = self.partial_date(
                    day, {DatePrecision.DAY: 50, DatePrecision.MONTH: 35, DatePrecision.YEAR: 15}
                )
            if rows and self.rng.random() < 0.03:
                publication.kind = Publication.Kind.ADDENDUM
                publication.amends = self.rng.choice(rows)
                publication.title = f"Addendum to {publication.amends.title}"[:255]
                addenda.append(publication)
            else:
                rows.append(publication)
            publication.slug = f"demo-{number}-{slugify(publication.title)}"[:50].rstrip("-")
            publication.topic = topic
        # Addenda after the publications they amend, which then have primary keys.
        every = self.create(Publication, rows, demo=True) + self.create(
            Publication, addenda, demo=True
        )

        sample_size = self.sample_file()
        editions, topics, organisations = [], [], []
        for publication in every:
            count = self.rng.choices([1, 2, 3, 4, 6], weights=[25, 30, 25, 12, 8])[0]
            languages = ["en"] if self.rng.random() < 0.9 else []
            while len(languages) < count:
                language = weighted(self.rng, EDITION_LANGUAGES)
                if language not in languages:
                    languages.append(language)
            for language in languages:
                title = LOCAL_TITLES.get(language, "") if self.rng.random() < 0.7 else ""
                editions.append(
                    Edition(
                        publication=publication,
                        language=Language(language),
                        title=title,
                        file=SAMPLE_FILE,
                        file_size=sample_size,
                    )
                )
            topics += [(publication.pk, t.pk) for t in {publication.topic, *self.pick_topics(2)}]
            for organisation in self.rng.sample(self.partners, self.rng.choice([0, 0, 1, 2])):
                organisations.append((publication.pk, organisation.pk))
        self.create(Edition, editions)
        self.link(Publication.topics, topics)
        self.link(Publication.organisations, organisations)

    def sample_file(self):
        """The one small file every demo edition downloads, stored once; returns its size."""
        if not default_storage.exists(SAMPLE_FILE):
            default_storage.save(SAMPLE_FILE, ContentFile(sample_pdf()))
        return default_storage.size(SAMPLE_FILE)

    def contact_points(self):
        statuses = {"approved": 85, "awaiting_review": 6, "unconfirmed": 4, "rejected": 2}
        statuses["lapsed"] = 3
        rows, languages, expertise = [], [], []
        for number in range(PER_SCALE["contact_points"] * self.scale):
            code, place = self.place()
            first, last = place.person(self.rng)
            status = weighted(self.rng, statuses)
            consented = datetime.datetime.combine(
                self.day_in(2019, LATEST_YEAR - 1), datetime.time(9), datetime.UTC
            ) + datetime.timedelta(minutes=self.rng.randint(0, 600))
            point = ContactPoint(
                first_name=first,
                last_name=last,
                email=f"{ascii_name(first)}.{ascii_name(last)}.{number}@{EMAIL_DOMAIN}",
                organisation=self.rng.choice(self.partners).name,
                country=code.upper(),
                profession=self.rng.choice(ContactPoint.Profession.values),
                job_title=self.rng.choice(ROLES),
                show_job_title=self.rng.random() < 0.8,
                consent_version=CURRENT_CONSENT_VERSION,
                consent_given_at=consented,
                status=status,
            )
            if code == "se" and self.rng.random() < 0.3:
                # Numbers the Swedish regulator keeps for fiction: 070-174 06 05 to 06 99.
                point.phone = f"+4670174{605 + number % 95:04d}"
                point.show_phone = self.rng.random() < 0.5
            if status != "unconfirmed":
                point.confirmed_at = consented + datetime.timedelta(hours=2)
            if status in {"approved", "rejected", "lapsed"}:
                point.decided_at = consented + datetime.timedelta(days=3)
            if status == "rejected":
                point.reject_reason = "Does not work with children at risk (demo)."
            if status == "lapsed":
                point.lapsed_at = timezone.now() - datetime.timedelta(days=40)
            spoken = {place.language, "en", *self.rng.sample(Language.values, 1)}
            point.spoken = sorted(spoken)
            point.expertise_topics = self.pick_topics()
            rows.append(point)
        self.create(ContactPoint, rows, demo=True)
        for point in rows:
            languages += [
                ContactPointLanguage(contact_point=point, language=c) for c in point.spoken
            ]
            expertise += [(point.pk, topic.pk) for topic in point.expertise_topics]
        self.create(ContactPointLanguage, languages)
        self.link(ContactPoint.expertise, expertise)


def sample_pdf():
    """A one-page PDF saying that it stands in for a demo publication's file."""
    text = "Demo edition generated by manage.py seed_demo: it stands in for a document."
    stream = f"BT /F1 14 Tf 56 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def remove_demo():
    """Delete every row that seed_demo listed, with what belongs to it; returns how many
    rows of each listed kind were deleted, and how many rows in all.

    All or nothing: when a real row points at a demo row (a staff meeting under a demo
    presidency, say), nothing is deleted and the error names the real rows.
    """
    counts, total = {}, 0
    try:
        # Without a history entry for each of a quarter of a million demo rows, which took
        # minutes and would bury the staff's own changes in Admin › Change history.
        with transaction.atomic(), search_vectors_deferred(*SEARCHED), disable_auditlog():
            for model in REMOVAL_ORDER:
                listed = DemoRecord.objects.filter(
                    content_type=ContentType.objects.get_for_model(model)
                ).values("object_id")
                rows = model.objects.filter(pk__in=listed)
                # What points at a demo row of its own model with PROTECT (an addendum at
                # the publication it amends, a phase at its project) goes first.
                label = str(model._meta.verbose_name_plural)
                for field in model._meta.get_fields():
                    if field.many_to_one and field.related_model is model:
                        total += add(counts, label, rows.filter(**{f"{field.name}__isnull": False}))
                total += add(counts, label, rows)
            DemoRecord.objects.all().delete()
            content_changed()
    except ProtectedError as error:
        blocking = list(itertools.islice(error.protected_objects, 5))
        raise DemoError(
            "Nothing removed: real records point at demo records. Unlink them first: "
            + "; ".join(f"{type(row)._meta.verbose_name} “{row}”" for row in blocking)
        ) from error
    if (
        default_storage.exists(SAMPLE_FILE)
        and not Edition.objects.filter(file=SAMPLE_FILE).exists()
    ):
        default_storage.delete(SAMPLE_FILE)
    return {**counts, "rows in all, with what belonged to them": total}


def add(counts, label, rows):
    """Delete `rows`, count them under `label`; returns how many rows went in all."""
    total, by_model = rows.delete()
    counts[label] = counts.get(label, 0) + by_model.get(rows.model._meta.label, 0)
    return total
