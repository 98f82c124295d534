"""Demo data for the petition: one open petition, invented signatories and organisations, and
a demo moderator. Loaded with the campaign's own demo (campaign/demo.py) by `manage.py
load_demo` (config/management/commands/load_demo.py).

Every person and organisation below is invented; every address is at example.org or
example.net. The petition is keyed on its slug: loading again keeps it as it is.
"""

import base64
import tomllib
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from lib.ip import ip_hash

from .email_address import canonical_email
from .models import Organisation, Petition, Signature, SignatureCount, Signer

DEMO_SLUG = "free-the-seven"
MODERATOR_USERNAME = "moderator"
MODERATORS_GROUP = "Moderators"
DEMO_DOMAINS = ("example.org", "example.net")
DEFAULT_SEED = 2026
Status = Signer.Status

PETITION = {
    "title": "Free the seven abducted organisers",
    "slug": DEMO_SLUG,
    "lead": (
        "Seven young trade unionists and student organisers were taken from a peaceful "
        "solidarity protest in Port Meridian on 22 April. No charges have been brought, and "
        "their families have not been told where they are held."
    ),
    "demands": """\
We, trade unionists, students and activists from around the world, call on
**the Government of Meridia** to:

1. Release the seven organisers immediately and unconditionally.
2. Disclose where each of them is held, and let their families and lawyers see them.
3. Drop every charge brought against peaceful protesters.
4. Guarantee the rights to organise, to strike and to assemble peacefully.

Organising is not a crime. **The world is watching.**
""",
    "addressee": "the Government of Meridia",
    "goal": 5000,
    "status": Petition.Status.OPEN,
    "moderation": Petition.Moderation.APPROVE,
}


def demo_translations():
    with open(Path(__file__).with_name("demo_translations.toml"), "rb") as file:
        return tomllib.load(file)


def add_translations(obj, by_language):
    """Store `obj`'s texts in each language of {code: {field: text}} beside its original."""
    for code, texts in by_language.items():
        obj.create_translation(code, **texts)


def _table(text):
    """Rows of a "|"-separated table, one per non-empty line, cells stripped."""
    return [[cell.strip() for cell in line.split("|")] for line in text.strip().splitlines()]


# Ordinary signatories per country, the language their emails would be in, some cities.
COUNTRIES = {
    country: (int(count), language, cities.split(", "))
    for country, count, language, cities in _table("""
IT | 36 | it | Roma, Milano, Bologna, Torino, Napoli, Genova, Firenze, Padova
ES | 32 | es | Madrid, Barcelona, Sevilla, Valencia, Bilbao, Zaragoza, Málaga
GB | 28 | en | London, Liverpool, Glasgow, Manchester, Cardiff, Leeds, Belfast
US | 28 | en | New York, Chicago, Oakland, Detroit, Philadelphia, Minneapolis, Austin
BR | 24 | pt | São Paulo, Rio de Janeiro, Belo Horizonte, Porto Alegre, Recife
MX | 22 | es | Ciudad de México, Guadalajara, Monterrey, Puebla, Oaxaca, Mérida
DE | 18 | de | Berlin, Hamburg, München, Köln, Leipzig, Frankfurt am Main
FR | 18 | fr | Paris, Lyon, Marseille, Toulouse, Lille, Nantes
GR | 14 | en | Athens, Thessaloniki, Patras, Heraklion
CA | 14 | en | Toronto, Montréal, Vancouver, Winnipeg, Halifax
PK | 14 | ur | Karachi, Lahore, Islamabad, Multan, Peshawar, Quetta
CH |  8 | de | Zürich, Bern, Genève, Basel, Lausanne
DK |  7 | en | København, Aarhus, Odense, Aalborg
CZ |  6 | en | Praha, Brno, Ostrava, Plzeň
NP |  5 | en | Kathmandu, Pokhara, Lalitpur, Biratnagar
ZA |  5 | en | Johannesburg, Cape Town, Durban, Gqeberha
""")
}

# Invented names, combined at random (Greek surnames in the genitive and Czech ones in the
# feminine form, so that any combination reads right).
FIRST_NAMES = {
    country: names.split()
    for country, names in _table("""
IT | Giulia Edoardo Chiara Federico Martina Stefano Tommaso Valentina Giacomo Sara Ilaria
ES | Lucía Pablo Carmen Andrés Marta Rubén Nuria Raúl Iker Ainhoa Gonzalo Rocío Inés
GB | Olivia Harry Amelia Jack Isla Thomas Grace Callum Megan Rhys Niamh Owen Declan Priya
US | Maya Jordan Aaliyah Marcus Rosa Tyler Keisha Daniel Sofia Ethan Jasmine Luis Naomi
BR | Ana João Mariana Lucas Beatriz Rafael Camila Thiago Larissa Gustavo Juliana Renata
MX | Ximena Alejandro Guadalupe Emiliano Fernanda Rodrigo Itzel Mauricio Daniela Arturo
DE | Lena Jonas Anna Felix Marie Lukas Sophie Tobias Hannah Jan Clara Moritz Katrin
FR | Camille Louis Manon Hugo Chloé Théo Léa Antoine Inès Julien Sarah Maxime Élise Amina
GR | Eleni Dimitris Maria Nikos Katerina Yannis Sofia Kostas Despina Thanos Ioanna Petros
CA | Émilie Liam Olivia Mathieu Ava Noah Geneviève Connor Aiyana Raj Sophie Étienne
PK | Ayesha Hamza Sana Usman Mahnoor Faisal Zainab Imran Hira Kamran Nida Asad
CH | Lara Nico Alina Reto Noemi Jonas Selina Yannick
DK | Freja Mads Ida Emil Sofie Magnus Clara Rasmus
CZ | Tereza Petra Lucie Kateřina Veronika Alena
NP | Aarati Bikash Sunita Prakash Manisha Rajesh Sabina
ZA | Thandiwe Sipho Naledi Themba Lerato Kagiso Ayanda
""")
}
SURNAMES = {
    country: names.split()
    for country, names in _table("""
IT | Rinaldi Ferraro Galli Conti Lombardi Barbieri Moretti Fontana Caruso Gatti Testa Sala
ES | Ferrer Campos Navarro Serrano Ortega Delgado Castro Rubio Molina Gil Vega Pascual
GB | Whitfield Hargreaves Pemberton Lockwood Ashworth Thornton Brennan Okafor Kershaw Ellison
US | Whitaker Alvarez Brooks Dawson Reyes Jennings Holloway Castillo Kowalski Nguyen Fletcher
BR | Silva Oliveira Souza Pereira Carvalho Almeida Ribeiro Barbosa Rocha Teixeira Cavalcanti
MX | Hernández González López Ramírez Flores Cruz Morales Mendoza Aguilar Salinas Ochoa
DE | Müller Weber Becker Hoffmann Richter Wagner Koch Bauer Klein Wolf Neumann Krüger
FR | Martin Bernard Dubois Durand Lefèvre Moreau Laurent Girard Roux Fournier Mercier Faure
GR | Nikolaou Georgiou Alexiou Dimitriou Ioannou Christou Konstantinou Antoniou Vasileiou
CA | Tremblay Gagnon Roy Côté Bouchard Gauthier MacDonald Campbell Singh Bélanger Fraser
PK | Qureshi Siddiqui Malik Chaudhry Sheikh Abbasi Mirza Butt Awan Rana Jatoi Memon
CH | Meier Brunner Keller Frei Baumann Huber
DK | Jensen Nielsen Hansen Pedersen Larsen
CZ | Nováková Dvořáková Černá Procházková Malá
NP | Shrestha Gurung Tamang Thapa Karki
ZA | Nkosi Dlamini Mokoena Ndlovu Naidoo
""")
}

# Prominent signatories, featured in this order within each country.
PROMINENT = _table("""
IT | Chiara Rinaldi | Segretaria nazionale | Unione Metalmeccanici di Esempio
IT | Tommaso Gentile | Delegato sindacale | Sindacato Trasporti di Esempio
IT | Ilaria Fontana | Consigliera comunale | Consiglio comunale di Esempio
ES | Lucía Ferrer Campos | Secretaria General | Sindicato de Enseñanza de Ejemplo
ES | Andrés Navarro Gil | Portavoz nacional | Confederación Sindical de Ejemplo
ES | Nuria Serrano Vega | Diputada | Parlamento Regional de Ejemplo
GB | Fiona Hargreaves | Branch Secretary | Example Valley Trades Council
GB | Kwame Okafor | President | Students' Union, University of Example
US | Rosa Castillo | Co-Chair | Example City Tenants Union
US | Marcus Holloway | Shop Steward | Example Transit Workers, Local 12
BR | Mariana Cavalcanti | Diretora | Sindicato dos Professores de Exemplo
BR | Thiago Nascimento | Vereador | Câmara Municipal de Exemplo
MX | Itzel Salinas | Coordinadora | Frente Estudiantil de Ejemplo
MX | Héctor Ochoa | Escritor y periodista | Revista Ejemplo
DE | Katrin Hartmann | Landesvorsitzende | Gewerkschaft Erziehung Beispielstadt
DE | Moritz Krüger | Sprecher | Jugendverband Beispiel
FR | Amina Mercier | Secrétaire départementale | Syndicat des Cheminots d'Exemple
GR | Despina Vlachou | Board member | Federation of Municipal Workers of Example
CA | Geneviève Bélanger | Conseillère | Syndicat de l'enseignement de l'Exemple
PK | Sana Qureshi | Advocate | Example Bar Association
ZA | Themba Khumalo | Regional Secretary | Example Metalworkers' Union
""")

# country | kind | status | name | contact person (private)
ORGANISATIONS = _table("""
GB | union     | approved  | Example Valley Trades Council | Owen Ashworth
GB | community | approved  | Pensioners' Action Group of Example | Grace Kershaw
US | community | approved  | Example City Tenants Union | Jordan Brooks
US | student   | approved  | Students for Workers' Rights, Example State University | Naomi Fletcher
MX | student   | approved  | Frente Estudiantil de Ejemplo | Citlali Mendoza
MX | community | approved  | Liga Feminista de Ejemplo | Paola Aguilar
BR | union     | approved  | Sindicato dos Professores de Exemplo | Juliana Rocha
IT | union     | approved  | Unione Metalmeccanici di Esempio | Stefano Galli
IT | student   | approved  | Collettivo Studentesco di Esempio | Sara Testa
ES | union     | approved  | Sindicato de Enseñanza de Ejemplo | Marta Rubio
DE | student   | approved  | Jugendverband Beispiel | Jan Becker
FR | union     | approved  | Syndicat des Cheminots d'Exemple | Julien Faure
CA | union     | approved  | Syndicat de l'enseignement de l'Exemple | Mathieu Côté
GR | union     | approved  | Federation of Municipal Workers of Example | Petros Alexiou
DK | community | confirmed | Eksempel Solidaritetskomité | Mads Larsen
CZ | union     | confirmed | Mladí odboráři Příklad | Tereza Černá
NP | student   | pending   | Example Valley Youth Federation | Bikash Thapa
US | other     | spam      | Cheap Watches Outlet | Sales Team
""")
STATEMENTS = {
    "Example Valley Trades Council": "Our unanimous motion: release the seven now.",
    "Pensioners' Action Group of Example": "We fought for our rights; we stand with theirs.",
    "Students for Workers' Rights, Example State University": "We picket every Friday.",
    "Frente Estudiantil de Ejemplo": "¡Libertad inmediata para los siete!",
    "Sindicato dos Professores de Exemplo": "Liberdade já para os sete companheiros!",
    "Unione Metalmeccanici di Esempio": "Libertà per i sette. Organizzarsi non è un reato.",
    "Sindicato de Enseñanza de Ejemplo": "Toda nuestra solidaridad con las familias.",
    "Jugendverband Beispiel": "Freiheit für die sieben Entführten!",
    "Syndicat de l'enseignement de l'Exemple": "Solidarité avec les sept et leurs familles.",
    "Eksempel Solidaritetskomité": "We protested at the embassy and will keep doing so.",
    "Cheap Watches Outlet": "Best prices online!",
}

SPAM_NAMES = ["SEO Expert", "Crypto Giveaway", "Best Price Pharmacy", "asdfgh", "Win Big Today"]
COMMENTS = [
    "Solidarity from the picket line!",
    "Organising is not a crime.",
    "The world is watching.",
    "From one union to another: stay strong.",
    "Libertà per i sette!",
    "¡Libertad inmediata!",
    "Liberdade já!",
    "Freiheit für alle Entführten!",
    "Libérez-les maintenant !",
    "Solidaritet!",
    "Release them now, unharmed.",
]
ROLES = ["Shop steward", "Member", "Student", "Branch delegate", "Nurse", "Teacher", "Retired"]
# Fold letters that NFKD does not decompose, so that addresses stay readable.
ASCII_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d"})


def moderator_password():
    """The demo moderator's password: derived from SECRET_KEY, so it differs per installation."""
    digest = salted_hmac(
        "chorus.load_demo.moderator-password", MODERATOR_USERNAME, algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).decode()[:16]


def _address(name, n, domain):
    local = slugify(name.lower().translate(ASCII_FOLD)).replace("-", ".")
    return f"{local}.{n}@{domain}" if n else f"{local}@{domain}"


class DemoError(Exception):
    """The demo cannot be (re)loaded here without touching real data."""


def delete(petition):
    """Delete the demo petition, but only if every signer in it is an invented one; else
    DemoError, and nothing is deleted."""
    foreign = Q()
    for domain in DEMO_DOMAINS:
        foreign &= ~Q(email__iendswith=f"@{domain}")
    if (
        petition.signatures.filter(foreign).exists()
        or petition.organisations.filter(foreign).exists()
    ):
        raise DemoError(
            f"The petition {DEMO_SLUG!r} has signers outside {', '.join(DEMO_DOMAINS)}: "
            "it is not (only) demo data, so --reset leaves it alone."
        )
    petition.delete()


def build(rng):
    now = timezone.now()
    petition = Petition.objects.create(
        **PETITION, original_language="en", opens_at=now - timedelta(days=30)
    )
    add_translations(petition, demo_translations())
    signatures = list(_signatures(petition, rng, now))
    Signature.objects.bulk_create(signatures)
    organisations = list(_organisations(petition, rng, now))
    Organisation.objects.bulk_create(organisations)
    # created_at is auto_now_add, so bulk_create stamped "now": spread it over the weeks.
    for signer in (*signatures, *organisations):
        signer.created_at = signer.consented_at
    Signature.objects.bulk_update(signatures, ["created_at"], batch_size=500)
    Organisation.objects.bulk_update(organisations, ["created_at"])
    SignatureCount.rebuild(petition)
    return petition


def _signer_fields(rng, now, status, ip):
    """What every signer has: a status and its timestamps, consent, an IP hash."""
    if status == Status.PENDING:
        created = now - timedelta(hours=rng.uniform(1, 72))
        confirmed = None
    else:
        if status == Status.CONFIRMED:  # the moderation queue: recent confirmations
            confirmed = now - timedelta(hours=rng.uniform(1, 72))
        else:  # more recent days see more signatures
            confirmed = now - timedelta(days=28 * rng.random() ** 1.5, minutes=5)
        created = confirmed - timedelta(minutes=rng.uniform(1, 90))
    moderated = None
    if status in (Status.APPROVED, Status.REJECTED, Status.SPAM):
        moderated = min(confirmed + timedelta(hours=rng.uniform(1, 30)), now)
    return {
        "status": status,
        "consent_version": settings.PRIVACY_NOTICE_VERSION,
        "consented_at": created,
        "confirmed_at": confirmed,
        "moderated_at": moderated,
        "keep_informed": rng.random() < 0.4,
        "emails_sent": 1,
        "ip_hash": ip_hash(ip),
    }


def _signatures(petition, rng, now):
    n = 0
    for country, name, role, organisation in PROMINENT:
        n += 1
        order = sum(1 for row in PROMINENT[:n] if row[0] == country)
        email = _address(name, 0, DEMO_DOMAINS[n % 2])
        _count, language, cities = COUNTRIES[country]
        yield Signature(
            petition=petition,
            full_name=name,
            email=email,
            email_canonical=canonical_email(email),
            country=country,
            city=rng.choice(cities),
            role=role,
            organisation=organisation,
            show_name=True,
            featured=True,
            featured_order=order,
            language=language,
            **_signer_fields(rng, now, Status.APPROVED, f"192.0.2.{n}"),
        )
    statuses = [Status.APPROVED, Status.CONFIRMED, Status.PENDING, Status.REJECTED]
    taken = {row[1] for row in PROMINENT}
    for country, (count, language, cities) in COUNTRIES.items():
        local_orgs = [row[3] for row in ORGANISATIONS if row[0] == country]
        for _i in range(count):
            n += 1
            name = None
            while name is None or name in taken:  # distinct names read more naturally
                name = f"{rng.choice(FIRST_NAMES[country])} {rng.choice(SURNAMES[country])}"
            taken.add(name)
            email = _address(name, n, DEMO_DOMAINS[n % 2])
            status = rng.choices(statuses, weights=[78, 12, 7, 3])[0]
            with_role = rng.random() < 0.15
            yield Signature(
                petition=petition,
                full_name=name,
                email=email,
                email_canonical=canonical_email(email),
                country=country,
                city=rng.choice(cities) if rng.random() < 0.8 else "",
                role=rng.choice(ROLES) if with_role else "",
                organisation=rng.choice(local_orgs) if with_role and local_orgs else "",
                comment=rng.choice(COMMENTS) if rng.random() < 0.15 else "",
                show_name=rng.random() < 0.56,
                language=language,
                **_signer_fields(rng, now, status, f"198.51.100.{n % 250 + 1}"),
            )
    for name in SPAM_NAMES:  # one flood from one address, for the moderation demo
        n += 1
        email = _address("offers", n, "example.net")
        yield Signature(
            petition=petition,
            full_name=name,
            email=email,
            email_canonical=canonical_email(email),
            country="US",
            comment="Great offers at example.net/deals",
            show_name=True,
            **_signer_fields(rng, now, Status.SPAM, "203.0.113.66"),
        )


def _organisations(petition, rng, now):
    for n, (country, kind, status, name, contact) in enumerate(ORGANISATIONS):
        email = _address(name, 0, "example.net")
        yield Organisation(
            petition=petition,
            name=name,
            kind=kind,
            country=country,
            website=f"https://example.org/{slugify(name)}" if n % 3 == 0 else "",
            statement=STATEMENTS.get(name, ""),
            contact_name=contact,
            email=email,
            email_canonical=canonical_email(email),
            language=COUNTRIES[country][1],
            **_signer_fields(rng, now, status, f"203.0.113.{n + 1}"),
        )


def ensure_moderator():
    user, _created = get_user_model().objects.get_or_create(
        username=MODERATOR_USERNAME, defaults={"email": f"moderator@{DEMO_DOMAINS[0]}"}
    )
    password = moderator_password()
    if not (user.is_staff and user.is_active and user.check_password(password)):
        user.is_staff = user.is_active = True
        user.set_password(password)
        user.save()
    group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    user.groups.add(group)
    return user


def describe(petition, created):
    """What was loaded, and how to log in, for the command to print."""
    counts = petition.compute_counts()
    lines = []
    verb = "Created" if created else "Kept the existing"
    lines.append(
        f"{verb} demo petition {petition.title!r}: {counts['total']} counted signatures "
        f"from {counts['countries']} countries, {counts['organisations']} organisations."
    )
    lines.append(f"  Petition:   {settings.SITE_URL}{petition.get_absolute_url()}")
    translated = [code for code in petition.get_available_languages() if code != "en"]
    for code in sorted(translated):
        with translation.override(code):
            lines.append(f"    {code + ':':<8}{settings.SITE_URL}{petition.get_absolute_url()}")
    lines.append(
        f"  Moderation: {settings.SITE_URL}{reverse('admin:index')}  "
        f"login: {MODERATOR_USERNAME} / {moderator_password()}"
    )
    lines.append("  For a full administrator account: manage.py createsuperuser")
    if settings.ADMIN_REQUIRE_2FA:
        lines.append(
            "  Two-factor login is on: the first login asks to set up an authenticator app."
        )
    else:
        lines.append(
            "  Two-factor login is off for this local demo (ADMIN_REQUIRE_2FA=off); "
            "in production it is on."
        )
    return "\n".join(lines)
