"""A fictitious company to explore Cible with: teams, people, aligned OKRs and check-ins.

`create_demo()` builds it through the same service functions as the web pages, so the
demo obeys every rule a real organisation does. Every text exists in English and in French
(an `(en, fr)` pair); the `language` argument picks one. A fixed random seed keeps the
numbers the same from one run to the next for a given day.
"""

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from cible.accounts.models import User
from cible.checkins.models import CheckIn
from cible.checkins.services import record_check_in
from cible.collab.models import InboxItem
from cible.collab.services import add_reaction, create_comment
from cible.kpis.models import KPI, KPIValue, ValueOrigin
from cible.kpis.services import create_kpi
from cible.lib import okrmath
from cible.okrs.models import (
    Cycle,
    CycleKind,
    CycleState,
    DependencyState,
    KeyResult,
    KRKind,
    Level,
    Objective,
    Origin,
    Visibility,
)
from cible.okrs.services import (
    create_dependency,
    create_key_result,
    create_objective,
    create_year_with_quarters,
)
from cible.orgs.models import Membership, Organization, Role, Team
from cible.orgs.services import add_team_member, create_organization, save_team

DEMO_EMAIL = "demo@cible.test"
DEMO_PASSWORD = "cible-demo"
PEOPLE_DOMAIN = "demo.cible.test"
LANGUAGES = ("en", "fr")
SEED = 20240607
MIN_CHECK_INS = 6

Text = tuple[str, str]  # (English, French)

ON, RISK, OFF = "on", "risk", "off"


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    role: str = Role.MEMBER
    email: str = ""


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: Text
    lead: str
    parent: str | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class KRSpec:
    title: Text
    kind: str
    start: str
    target: str
    unit: Text = ("", "")
    weight: str = "1"
    owner: str | None = None
    profile: str = ON  # where the KR stands at the latest check-in: on track, at risk, off
    places: int = 0  # decimals of the readings (negative: round to tens, hundreds...)
    target_max: str | None = None
    typical: str | None = None  # stay-above/below/between: the usual reading
    noise: float = 0.0  # stay-above/below/between: week-to-week spread of the readings
    done_at: float | None = None  # milestone: share of the quarter when it gets done
    driven_by: str | None = None  # key of the child objective that drives this KR
    note: Text | None = None  # comment of the latest check-in
    blocker: Text | None = None


@dataclass(frozen=True)
class ObjectiveSpec:
    key: str
    title: Text
    level: str
    owner: str
    krs: tuple[KRSpec, ...]
    team: str | None = None
    parents: tuple[str, ...] = ()
    origin: str = Origin.TOP_DOWN
    private: bool = False
    description: Text = ("", "")


@dataclass(frozen=True)
class DependencySpec:
    source: str
    target: str
    note: Text
    target_kr: int | None = None  # index of the KR of `target` depended on


@dataclass
class DemoResult:
    organization: Organization
    owner: User
    email: str
    password: str
    year: Cycle
    quarter: Cycle
    users: list[User] = field(default_factory=list)


ORGANIZATION_NAME: Text = ("Alpinea (demo)", "Alpinea (démo)")

PEOPLE: tuple[Person, ...] = (
    Person("claire", "Claire Lambert", Role.OWNER, DEMO_EMAIL),
    Person("hugo", "Hugo Moreau", Role.ADMIN),
    Person("sarah", "Sarah Cohen", Role.ADMIN),
    Person("nadia", "Nadia Benali"),
    Person("lucas", "Lucas Fontaine"),
    Person("ines", "Inès Garnier"),
    Person("maxime", "Maxime Leroy"),
    Person("julia", "Julia Weber"),
    Person("yanis", "Yanis Haddad"),
    Person("pierre", "Pierre Lefèvre"),
    Person("emma", "Emma Schmidt"),
    Person("karim", "Karim Mansouri"),
    Person("lea", "Léa Rousseau"),
    Person("manon", "Manon Blanc"),
    Person("oliver", "Oliver Hughes"),
    Person("chloe", "Chloé Perrin"),
    Person("david", "David Martins"),
    Person("zoe", "Zoé Marchand"),
    Person("antoine", "Antoine Roche"),
    Person("elise", "Élise Caron"),
    Person("samuel", "Samuel Okafor"),
    Person("amira", "Amira Diallo"),
    Person("jonas", "Jonas Keller"),
    Person("lina", "Lina Bertrand"),
    Person("paul", "Paul Mercier"),
    Person("marc", "Marc Vidal", Role.VIEWER),  # board observer: reads, never writes
)


# Parents before children.
@dataclass(frozen=True)
class KPISpec:
    """A KPI and its weekly history: `values`, oldest first, up to this week."""

    team: str | None  # None: the organisation's
    name: Text
    unit: Text
    direction: str
    owner: str
    thresholds: tuple[str | None, str | None, str | None, str | None]  # cl, hl, hh, ch
    values: tuple[str, ...]


KPIS: tuple[KPISpec, ...] = (
    KPISpec(
        None,
        ("Cash runway", "Trésorerie disponible"),
        ("months", "mois"),
        "band",
        "claire",
        ("9", "12", "24", "30"),
        ("19", "18.5", "18", "17.5", "17", "16.5", "16", "15.5", "15", "14.5", "14", "13.5"),
    ),
    KPISpec(
        "platform",
        ("API uptime", "Disponibilité de l'API"),
        ("%", "%"),
        "higher",
        "pierre",
        ("99", "99.5", None, None),
        ("99.9", "99.8", "99.95", "99.7", "99.9", "99.4", "99.6", "99.9", "99.2", "98.7"),
    ),
    KPISpec(
        "support",
        ("Customer satisfaction", "Satisfaction client"),
        ("/5", "/5"),
        "higher",
        "amira",
        ("3.8", "4.2", None, None),
        ("4.5", "4.4", "4.4", "4.3", "4.3", "4.2", "4.1", "4.1", "4.0", "4.1"),
    ),
    KPISpec(
        "support",
        ("First response time", "Délai de première réponse"),
        ("h", "h"),
        "lower",
        "lucas",
        (None, None, "4", "8"),
        ("3.5", "3.2", "3.8", "4.5", "3.9", "3.1", "2.8", "3.0", "2.6", "2.5"),
    ),
    KPISpec(
        "sales",
        ("Monthly churn", "Attrition mensuelle"),
        ("%", "%"),
        "lower",
        "david",
        (None, None, "2", "3.5"),
        ("1.8", "1.9", "1.7", "2.1", "2.0", "1.8", "1.6", "1.7", "1.5", "1.6"),
    ),
)

TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec(
        "leadership",
        ("Leadership team", "Comité de direction"),
        "claire",
        members=("hugo", "sarah", "nadia", "lucas"),
    ),
    TeamSpec("product", ("Product & Engineering", "Produit & Technique"), "hugo"),
    TeamSpec(
        "mobile",
        ("Mobile app", "Application mobile"),
        "ines",
        "product",
        ("maxime", "julia", "yanis"),
    ),
    TeamSpec("platform", ("Platform", "Plateforme"), "pierre", "product", ("emma", "karim", "lea")),
    TeamSpec("sales_marketing", ("Sales & Marketing", "Ventes & Marketing"), "sarah"),
    TeamSpec(
        "growth",
        ("Growth marketing", "Marketing de croissance"),
        "manon",
        "sales_marketing",
        ("oliver", "chloe"),
    ),
    TeamSpec(
        "sales",
        ("Sales team", "Équipe commerciale"),
        "david",
        "sales_marketing",
        ("zoe", "antoine"),
    ),
    TeamSpec("people", ("People", "Ressources humaines"), "nadia"),
    TeamSpec("talent", ("Talent acquisition", "Recrutement"), "elise", "people", ("samuel",)),
    TeamSpec("care", ("Customer Care", "Service client"), "lucas"),
    TeamSpec(
        "support",
        ("Support desk", "Centre de support"),
        "amira",
        "care",
        ("jonas", "lina", "paul"),
    ),
)

PCT: Text = ("%", "%")
EUR: Text = ("EUR", "EUR")
DAYS: Text = ("days", "jours")
OFFLINE_BLOCKER: Text = (
    "Ski schools want offline mode before they sign.",
    "Les écoles de ski attendent le mode hors ligne pour signer.",
)

# Parents before children: the company, then departments and teams, then people.
OBJECTIVES: tuple[ObjectiveSpec, ...] = (
    ObjectiveSpec(
        "growth_company",
        (
            "Win the mid-market and grow revenue sustainably",
            "Conquérir le marché intermédiaire et faire croître le chiffre d'affaires durablement",
        ),
        Level.COMPANY,
        "claire",
        description=(
            "Mid-sized outdoor operators are the customers we win most often and lose least. "
            "This quarter we go after them on purpose.",
            "Les opérateurs de plein air de taille moyenne sont les clients que nous gagnons le "
            "plus souvent et perdons le moins. Ce trimestre, nous allons les chercher exprès.",
        ),
        krs=(
            KRSpec(
                (
                    "Reach 2 MEUR revenue this quarter (+40 % vs last quarter)",
                    "Atteindre 2 MEUR de chiffre d'affaires ce trimestre (+40 % par rapport "
                    "au précédent)",
                ),
                KRKind.INCREASE,
                "0",
                "2000000",
                EUR,
                weight="2",
                owner="sarah",
                profile=RISK,
                places=-3,
                blocker=(
                    "Two large renewals slipped to next month.",
                    "Deux gros renouvellements ont glissé au mois prochain.",
                ),
            ),
            KRSpec(
                ("Win 15 new mid-market customers", "Signer 15 nouveaux clients intermédiaires"),
                KRKind.INCREASE,
                "0",
                "15",
                ("customers", "clients"),
                owner="sarah",
            ),
            KRSpec(
                (
                    "Sales closes bigger deals with the right customers",
                    "L'équipe commerciale signe des contrats plus gros avec les bons clients",
                ),
                KRKind.INCREASE,
                "0",
                "100",
                PCT,
                owner="david",
                driven_by="sales",
            ),
        ),
    ),
    ObjectiveSpec(
        "product_company",
        ("Ship a product our customers love to use", "Livrer un produit que nos clients adorent"),
        Level.COMPANY,
        "hugo",
        description=(
            "Fewer, bigger releases that customers notice and adopt.",
            "Moins de livraisons, mais plus marquantes, que les clients remarquent et adoptent.",
        ),
        krs=(
            KRSpec(
                ("Launch 3 major features", "Lancer 3 fonctionnalités majeures"),
                KRKind.INCREASE,
                "0",
                "3",
                ("features", "fonctionnalités"),
                weight="1.5",
            ),
            KRSpec(
                (
                    "Reach 60 % adoption of new features by active users",
                    "Atteindre 60 % d'adoption des nouvelles fonctionnalités par les "
                    "utilisateurs actifs",
                ),
                KRKind.INCREASE,
                "15",
                "60",
                PCT,
                owner="ines",
                profile=RISK,
                places=1,
            ),
            KRSpec(
                ("Keep uptime above 99.9 %", "Maintenir la disponibilité au-dessus de 99,9 %"),
                KRKind.STAY_ABOVE,
                "99.95",
                "99.9",
                PCT,
                weight="0.5",
                owner="pierre",
                places=2,
                typical="99.96",
                noise=0.025,
            ),
        ),
    ),
    ObjectiveSpec(
        "customers_company",
        (
            "Delight every customer, from first contact to renewal",
            "Enchanter chaque client, du premier contact au renouvellement",
        ),
        Level.COMPANY,
        "lucas",
        description=(
            "Happy customers stay, grow and tell their peers: our cheapest growth engine.",
            "Un client heureux reste, grandit et en parle autour de lui : notre moteur de "
            "croissance le moins cher.",
        ),
        krs=(
            KRSpec(
                (
                    "Keep customer satisfaction (CSAT) at 95 % or above",
                    "Maintenir la satisfaction client (CSAT) à 95 % ou plus",
                ),
                KRKind.STAY_ABOVE,
                "96",
                "95",
                PCT,
                profile=RISK,
                places=1,
                typical="96.2",
                noise=0.7,
            ),
            KRSpec(
                (
                    "Support answers fast and right the first time",
                    "Le support répond vite et bien du premier coup",
                ),
                KRKind.INCREASE,
                "0",
                "100",
                PCT,
                weight="1.5",
                owner="amira",
                driven_by="support",
            ),
            KRSpec(
                (
                    "Bring monthly churn down from 2.5 % to 1.5 %",
                    "Réduire l'attrition mensuelle de 2,5 % à 1,5 %",
                ),
                KRKind.DECREASE,
                "2.5",
                "1.5",
                PCT,
                profile=OFF,
                places=2,
                blocker=(
                    "Two large accounts leave after being acquired; nothing we can change "
                    "this quarter.",
                    "Deux gros comptes partent après un rachat ; rien à y faire ce trimestre.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "team_company",
        (
            "Build the team that takes us to the next stage",
            "Bâtir l'équipe qui nous mènera à l'étape suivante",
        ),
        Level.COMPANY,
        "nadia",
        description=(
            "We double the engineering team this year without losing what makes us us.",
            "Nous doublons l'équipe technique cette année sans perdre ce qui fait notre identité.",
        ),
        krs=(
            KRSpec(
                (
                    "Hire 8 engineers and 3 account executives",
                    "Recruter 8 ingénieurs et 3 commerciaux",
                ),
                KRKind.INCREASE,
                "0",
                "11",
                ("hires", "recrutements"),
                weight="1.5",
                profile=RISK,
                blocker=(
                    "Senior mobile profiles are scarce; two offers declined.",
                    "Les profils mobiles expérimentés sont rares ; deux offres refusées.",
                ),
            ),
            KRSpec(
                ("Keep the employee NPS above 40", "Maintenir l'eNPS au-dessus de 40"),
                KRKind.STAY_ABOVE,
                "42",
                "40",
                ("pts", "pts"),
                typical="45",
                noise=2.5,
            ),
            KRSpec(
                (
                    "Cut regretted attrition from 8 % to 4 % (annualised)",
                    "Réduire les départs regrettés de 8 % à 4 % (en rythme annuel)",
                ),
                KRKind.DECREASE,
                "8",
                "4",
                PCT,
                weight="0.5",
                places=1,
            ),
        ),
    ),
    ObjectiveSpec(
        "fundraising",
        ("Prepare the Series B fundraising", "Préparer la levée de fonds de série B"),
        Level.TEAM,
        "claire",
        team="leadership",
        parents=("growth_company",),
        private=True,
        description=(
            "Confidential until the board announces it.",
            "Confidentiel jusqu'à l'annonce par le conseil d'administration.",
        ),
        krs=(
            KRSpec(
                (
                    "Have the data room ready for investors",
                    "Avoir la data room prête pour les investisseurs",
                ),
                KRKind.MILESTONE,
                "0",
                "1",
                done_at=0.3,
                note=(
                    "Data room complete and reviewed by our lawyers.",
                    "Data room complète et relue par nos avocats.",
                ),
            ),
            KRSpec(
                (
                    "Hold first meetings with 20 investors",
                    "Tenir un premier rendez-vous avec 20 investisseurs",
                ),
                KRKind.INCREASE,
                "0",
                "20",
                ("investors", "investisseurs"),
            ),
        ),
    ),
    ObjectiveSpec(
        "growth",
        (
            "Make Alpinea the first name outdoor businesses find",
            "Faire d'Alpinea le premier nom que trouvent les entreprises de plein air",
        ),
        Level.TEAM,
        "manon",
        team="growth",
        parents=("growth_company",),
        krs=(
            KRSpec(
                (
                    "Raise monthly organic visitors from 50,000 to 100,000",
                    "Faire passer les visiteurs organiques mensuels de 50 000 à 100 000",
                ),
                KRKind.INCREASE,
                "50000",
                "100000",
                ("visitors", "visiteurs"),
                weight="2",
                owner="oliver",
                places=-2,
            ),
            KRSpec(
                (
                    "Grow marketing-qualified leads from 400 to 700 a month",
                    "Faire passer les leads qualifiés marketing de 400 à 700 par mois",
                ),
                KRKind.INCREASE,
                "400",
                "700",
                ("leads", "leads"),
                profile=RISK,
                blocker=(
                    "The webinar tool renewal is stuck in procurement.",
                    "Le renouvellement de l'outil de webinaires est bloqué aux achats.",
                ),
            ),
            KRSpec(
                (
                    "Grow LinkedIn followers from 8,000 to 12,000",
                    "Faire passer les abonnés LinkedIn de 8 000 à 12 000",
                ),
                KRKind.INCREASE,
                "8000",
                "12000",
                ("followers", "abonnés"),
                weight="0.5",
                owner="chloe",
            ),
        ),
    ),
    ObjectiveSpec(
        "sales",
        (
            "Close bigger deals with the right customers",
            "Signer des contrats plus gros avec les bons clients",
        ),
        Level.TEAM,
        "david",
        team="sales",
        parents=("growth_company",),
        krs=(
            KRSpec(
                (
                    "Raise average contract value from 20,000 EUR to 25,000 EUR",
                    "Faire passer la valeur moyenne des contrats de 20 000 EUR à 25 000 EUR",
                ),
                KRKind.INCREASE,
                "20000",
                "25000",
                EUR,
                weight="2",
                places=-2,
            ),
            KRSpec(
                (
                    "Raise the win rate from 18 % to 25 %",
                    "Faire passer le taux de signature de 18 % à 25 %",
                ),
                KRKind.INCREASE,
                "18",
                "25",
                PCT,
                owner="antoine",
                profile=OFF,
                places=1,
                blocker=OFFLINE_BLOCKER,
            ),
            KRSpec(
                (
                    "Shorten the sales cycle from 75 to 60 days",
                    "Raccourcir le cycle de vente de 75 à 60 jours",
                ),
                KRKind.DECREASE,
                "75",
                "60",
                DAYS,
                owner="zoe",
            ),
        ),
    ),
    ObjectiveSpec(
        "mobile",
        (
            "Give field staff an app they can't do without",
            "Offrir aux équipes de terrain une application indispensable",
        ),
        Level.TEAM,
        "ines",
        team="mobile",
        parents=("product_company",),
        krs=(
            KRSpec(
                (
                    "Release offline mode to all customers",
                    "Ouvrir le mode hors ligne à tous les clients",
                ),
                KRKind.MILESTONE,
                "0",
                "1",
                weight="1.5",
                owner="maxime",
                done_at=0.45,
                note=(
                    "Offline mode is live for everyone!",
                    "Le mode hors ligne est ouvert à tous !",
                ),
            ),
            KRSpec(
                (
                    "Raise the app store rating from 3.9 to 4.5",
                    "Faire passer la note sur les stores de 3,9 à 4,5",
                ),
                KRKind.INCREASE,
                "3.9",
                "4.5",
                ("/5", "/5"),
                owner="yanis",
                places=2,
            ),
            KRSpec(
                (
                    "Keep the crash rate below 0.5 % of sessions",
                    "Maintenir le taux de plantage sous 0,5 % des sessions",
                ),
                KRKind.STAY_BELOW,
                "0.4",
                "0.5",
                PCT,
                weight="0.5",
                owner="julia",
                profile=RISK,
                places=2,
                typical="0.38",
                noise=0.05,
                note=(
                    "Crashes went up with the last Android update; a fix is in review.",
                    "Les plantages ont augmenté avec la dernière mise à jour Android ; un "
                    "correctif est en revue.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "platform",
        (
            "Make the platform fast and boring to run",
            "Rendre la plateforme rapide et sans surprise",
        ),
        Level.TEAM,
        "pierre",
        team="platform",
        parents=("product_company",),
        origin=Origin.BOTTOM_UP,
        krs=(
            KRSpec(
                (
                    "Cut p95 page load time from 2.4 s to 1.2 s",
                    "Réduire le temps de chargement p95 de 2,4 s à 1,2 s",
                ),
                KRKind.DECREASE,
                "2.4",
                "1.2",
                ("s", "s"),
                owner="karim",
                places=2,
            ),
            KRSpec(
                (
                    "Keep sprint predictability between 80 % and 110 %",
                    "Maintenir la prévisibilité des sprints entre 80 % et 110 %",
                ),
                KRKind.STAY_BETWEEN,
                "90",
                "80",
                PCT,
                weight="0.5",
                owner="lea",
                target_max="110",
                typical="95",
                noise=7,
            ),
            KRSpec(
                (
                    "Migrate the database to the new cluster",
                    "Migrer la base de données vers le nouveau cluster",
                ),
                KRKind.MILESTONE,
                "0",
                "1",
                profile=RISK,
                blocker=(
                    "The hosting provider moved our maintenance window twice.",
                    "L'hébergeur a déplacé deux fois notre fenêtre de maintenance.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "care",
        (
            "Make onboarding a moment new customers remember",
            "Faire de l'arrivée des nouveaux clients un moment marquant",
        ),
        Level.TEAM,
        "lucas",
        team="care",
        parents=("customers_company",),
        origin=Origin.BOTTOM_UP,
        krs=(
            KRSpec(
                (
                    "Cut time to first booking from 14 to 5 days",
                    "Réduire le délai avant la première réservation de 14 à 5 jours",
                ),
                KRKind.DECREASE,
                "14",
                "5",
                DAYS,
                places=1,
            ),
            KRSpec(
                (
                    "Raise onboarding completion from 55 % to 80 %",
                    "Faire passer le taux d'onboarding complet de 55 % à 80 %",
                ),
                KRKind.INCREASE,
                "55",
                "80",
                PCT,
                weight="1.5",
                profile=RISK,
            ),
        ),
    ),
    ObjectiveSpec(
        "support",
        (
            "Answer every customer fast and right the first time",
            "Répondre à chaque client vite et bien du premier coup",
        ),
        Level.TEAM,
        "amira",
        team="support",
        parents=("customers_company",),
        krs=(
            KRSpec(
                (
                    "Cut first-response time from 4 h to 1 h",
                    "Réduire le délai de première réponse de 4 h à 1 h",
                ),
                KRKind.DECREASE,
                "4",
                "1",
                ("h", "h"),
                weight="2",
                places=1,
            ),
            KRSpec(
                (
                    "Raise first-contact resolution from 65 % to 85 %",
                    "Faire passer la résolution au premier contact de 65 % à 85 %",
                ),
                KRKind.INCREASE,
                "65",
                "85",
                PCT,
                weight="1.5",
                owner="lina",
                profile=RISK,
                places=1,
                blocker=(
                    "Billing questions still need the finance team.",
                    "Les questions de facturation passent encore par la finance.",
                ),
            ),
            KRSpec(
                (
                    "Keep the open-ticket backlog below 60",
                    "Maintenir le stock de tickets ouverts sous 60",
                ),
                KRKind.STAY_BELOW,
                "52",
                "60",
                ("tickets", "tickets"),
                weight="0.5",
                owner="paul",
                typical="47",
                noise=6,
            ),
        ),
    ),
    ObjectiveSpec(
        "talent",
        (
            "Hire great people, quickly and fairly",
            "Recruter des personnes formidables, vite et équitablement",
        ),
        Level.TEAM,
        "elise",
        team="talent",
        parents=("team_company",),
        krs=(
            KRSpec(
                (
                    "Cut average time-to-hire from 60 to 35 days",
                    "Réduire le délai moyen de recrutement de 60 à 35 jours",
                ),
                KRKind.DECREASE,
                "60",
                "35",
                DAYS,
                weight="2",
            ),
            KRSpec(
                (
                    "Raise offer acceptance from 70 % to 90 %",
                    "Faire passer le taux d'acceptation des offres de 70 % à 90 %",
                ),
                KRKind.INCREASE,
                "70",
                "90",
                PCT,
                owner="samuel",
                profile=RISK,
            ),
            KRSpec(
                (
                    "Keep the candidate experience rating above 4.5 / 5",
                    "Maintenir la note d'expérience candidat au-dessus de 4,5 / 5",
                ),
                KRKind.STAY_ABOVE,
                "4.6",
                "4.5",
                ("/5", "/5"),
                weight="0.5",
                places=2,
                typical="4.66",
                noise=0.07,
            ),
        ),
    ),
    ObjectiveSpec(
        "people",
        ("Make Alpinea a place where people grow", "Faire d'Alpinea un lieu où chacun progresse"),
        Level.TEAM,
        "nadia",
        team="people",
        parents=("team_company",),
        origin=Origin.BOTTOM_UP,
        krs=(
            KRSpec(
                (
                    "Raise the share of people with a growth plan from 20 % to 80 %",
                    "Faire passer la part de salariés avec un plan de développement de 20 % à 80 %",
                ),
                KRKind.INCREASE,
                "20",
                "80",
                PCT,
                weight="1.5",
            ),
            KRSpec(
                (
                    "Publish the career framework for every role",
                    "Publier le référentiel de carrière pour tous les métiers",
                ),
                KRKind.MILESTONE,
                "0",
                "1",
                done_at=0.55,
                note=(
                    "Career framework published on the intranet.",
                    "Référentiel de carrière publié sur l'intranet.",
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "oliver",
        ("Become our go-to expert on search", "Devenir notre référent en référencement naturel"),
        Level.PERSON,
        "oliver",
        team="growth",
        parents=("growth",),
        origin=Origin.BOTTOM_UP,
        krs=(
            KRSpec(
                (
                    "Publish 24 in-depth guides for outdoor operators",
                    "Publier 24 guides de fond pour les opérateurs de plein air",
                ),
                KRKind.INCREASE,
                "0",
                "24",
                ("articles", "articles"),
            ),
            KRSpec(
                (
                    "Rank 15 key searches in the top 3 results",
                    "Classer 15 recherches clés dans les 3 premiers résultats",
                ),
                KRKind.INCREASE,
                "4",
                "15",
                ("keywords", "mots-clés"),
                profile=RISK,
            ),
        ),
    ),
    ObjectiveSpec(
        "zoe",
        ("Open the ski-school segment", "Ouvrir le segment des écoles de ski"),
        Level.PERSON,
        "zoe",
        team="sales",
        parents=("sales",),
        krs=(
            KRSpec(
                (
                    "Run 30 qualified demos with ski schools",
                    "Réaliser 30 démos qualifiées avec des écoles de ski",
                ),
                KRKind.INCREASE,
                "0",
                "30",
                ("demos", "démos"),
                weight="1.5",
            ),
            KRSpec(
                ("Sign 4 ski schools", "Signer 4 écoles de ski"),
                KRKind.INCREASE,
                "0",
                "4",
                ("customers", "clients"),
                profile=OFF,
                blocker=OFFLINE_BLOCKER,
            ),
        ),
    ),
    ObjectiveSpec(
        "jonas",
        (
            "Build a help centre that answers before we do",
            "Construire un centre d'aide qui répond avant nous",
        ),
        Level.PERSON,
        "jonas",
        team="support",
        parents=("support",),
        origin=Origin.BOTTOM_UP,
        krs=(
            KRSpec(
                (
                    "Raise the self-service rate from 20 % to 35 %",
                    "Faire passer le taux de self-service de 20 % à 35 %",
                ),
                KRKind.INCREASE,
                "20",
                "35",
                PCT,
                weight="2",
                places=1,
            ),
            KRSpec(
                ("Write or rewrite 40 help articles", "Écrire ou réécrire 40 articles d'aide"),
                KRKind.INCREASE,
                "0",
                "40",
                ("articles", "articles"),
                profile=RISK,
            ),
        ),
    ),
    ObjectiveSpec(
        "emma",
        ("Make on-call calm again", "Rendre les astreintes sereines"),
        Level.PERSON,
        "emma",
        team="platform",
        parents=("platform",),
        origin=Origin.BOTTOM_UP,
        krs=(
            KRSpec(
                (
                    "Cut alerts per on-call week from 25 to 8",
                    "Réduire les alertes par semaine d'astreinte de 25 à 8",
                ),
                KRKind.DECREASE,
                "25",
                "8",
                ("alerts", "alertes"),
            ),
            KRSpec(
                (
                    "Keep mean time to recovery below 30 min",
                    "Maintenir le temps moyen de rétablissement sous 30 min",
                ),
                KRKind.STAY_BELOW,
                "26",
                "30",
                ("min", "min"),
                weight="0.5",
                typical="21",
                noise=4,
            ),
        ),
    ),
    ObjectiveSpec(
        "samuel",
        ("Build a pipeline of senior engineers", "Constituer un vivier d'ingénieurs expérimentés"),
        Level.PERSON,
        "samuel",
        team="talent",
        parents=("talent",),
        origin=Origin.BOTTOM_UP,
        krs=(
            KRSpec(
                ("Source 120 qualified candidates", "Identifier 120 candidats qualifiés"),
                KRKind.INCREASE,
                "0",
                "120",
                ("candidates", "candidats"),
                weight="2",
            ),
            KRSpec(
                (
                    "Host 2 tech meetups at the office",
                    "Organiser 2 meetups techniques dans nos locaux",
                ),
                KRKind.INCREASE,
                "0",
                "2",
                ("meetups", "meetups"),
                profile=RISK,
            ),
        ),
    ),
    ObjectiveSpec(
        "julia",
        ("Make the app usable by everyone", "Rendre l'application utilisable par tous"),
        Level.PERSON,
        "julia",
        team="mobile",
        parents=("mobile",),
        origin=Origin.BOTTOM_UP,
        krs=(
            KRSpec(
                (
                    "Raise the accessibility audit score from 62 to 90",
                    "Faire passer le score d'audit d'accessibilité de 62 à 90",
                ),
                KRKind.INCREASE,
                "62",
                "90",
                ("/100", "/100"),
            ),
            KRSpec(
                ("Fix 40 accessibility issues", "Corriger 40 problèmes d'accessibilité"),
                KRKind.INCREASE,
                "0",
                "40",
                ("issues", "problèmes"),
                weight="0.5",
            ),
        ),
    ),
)

DEPENDENCIES: tuple[DependencySpec, ...] = (
    DependencySpec(
        "sales",
        "mobile",
        (
            "Ski schools ask for offline mode before they sign.",
            "Les écoles de ski demandent le mode hors ligne avant de signer.",
        ),
        target_kr=0,
    ),
    DependencySpec(
        "mobile",
        "platform",
        (
            "Offline sync needs the new sync API from the Platform team.",
            "La synchronisation hors ligne a besoin de la nouvelle API de l'équipe Plateforme.",
        ),
    ),
)

FIRST_COMMENT: Text = (
    "First check-in of the quarter: baseline measured.",
    "Premier point du trimestre : valeur de départ mesurée.",
)
COMMENTS: dict[str, tuple[Text, ...]] = {
    ON: (
        ("Good week, on plan.", "Bonne semaine, conforme au plan."),
        ("Steady progress, nothing to flag.", "Progression régulière, rien à signaler."),
        (
            "Slightly ahead thanks to last week's push.",
            "Légèrement en avance grâce à l'effort de la semaine dernière.",
        ),
        (
            "The new process is starting to pay off.",
            "Le nouveau processus commence à porter ses fruits.",
        ),
        (
            "Reviewed with the team on Monday: we keep the course.",
            "Revu avec l'équipe lundi : on garde le cap.",
        ),
        (
            "Quieter week with the holidays, but the trend holds.",
            "Semaine plus calme avec les congés, mais la tendance tient.",
        ),
    ),
    RISK: (
        ("Progress is slower than planned.", "La progression est plus lente que prévu."),
        (
            "We need two more weeks to see the effect of the changes.",
            "Il nous faut encore deux semaines pour voir l'effet des changements.",
        ),
        (
            "Behind plan: we are reprioritising the backlog.",
            "En retard sur le plan : nous repriorisons le backlog.",
        ),
    ),
    OFF: (
        (
            "Clearly behind: to discuss at the monthly review.",
            "Nettement en retard : à discuter à la revue mensuelle.",
        ),
        (
            "The target looks out of reach this quarter without extra help.",
            "La cible semble hors de portée ce trimestre sans renfort.",
        ),
    ),
}
BLOCKERS: tuple[Text, ...] = (
    ("Two people off sick this week.", "Deux personnes en arrêt maladie cette semaine."),
    ("Budget approval still pending.", "Validation du budget toujours en attente."),
)
DRIVEN_COMMENT: Text = (
    "Mirrors the progress of the team objective that drives this key result.",
    "Reflète l'avancement de l'objectif d'équipe qui porte ce résultat clé.",
)
MILESTONE_PENDING: Text = (
    "Work in progress, not done yet.",
    "Travail en cours, pas encore terminé.",
)


DEMO_QUESTION: Text = (
    "@%(handle)s should we raise the target after this quarter's first results?",
    "@%(handle)s faut-il relever la cible après les premiers résultats du trimestre ?",
)
DEMO_ANSWER: Text = (
    "Let's keep it: 70 % of an ambitious target is what we aim for. We'll look again at "
    "the monthly review.",
    "Gardons-la : 70 % d'une cible ambitieuse, c'est ce que nous visons. Nous en "
    "reparlerons à la revue mensuelle.",
)
DEMO_ACKNOWLEDGE: Text = ("Thanks, well explained.", "Merci, c'est clair.")


def _pick(text: Text, language: str) -> str:
    return text[1] if language == "fr" else text[0]


def _email_for(person: Person) -> str:
    if person.email:
        return person.email
    ascii_name = unicodedata.normalize("NFKD", person.name).encode("ascii", "ignore").decode()
    return f"{ascii_name.lower().replace(' ', '.')}@{PEOPLE_DOMAIN}"


def _quantize(value: float, places: int) -> Decimal:
    if places < 0:
        return Decimal(round(value, places)).quantize(Decimal(1))
    return Decimal(f"{value:.{places}f}")


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


@dataclass
class _Timeline:
    """When the check-ins of the demo happen, and how far into the quarter each one is."""

    start: date
    end: date
    floor: datetime
    limit: datetime
    weekly: list[date]

    def elapsed(self, moment: datetime) -> float:
        span = (self.end - self.start).days * 86400
        return min(1.0, max(0.0, (moment - self.floor).total_seconds() / span))

    def moments(self, rng: random.Random) -> list[datetime]:
        if len(self.weekly) < MIN_CHECK_INS:
            # A young quarter: spread the readings evenly since it started.
            count = MIN_CHECK_INS + 1
            step = (self.limit - self.floor) / (count - 1)
            return [self.floor + step * i for i in range(count)]
        days = list(self.weekly)
        if len(days) > MIN_CHECK_INS + 2 and rng.random() < 0.3:
            del days[rng.randrange(1, len(days) - 1)]  # a skipped week now and then
        moments = []
        for day in days:
            moment = _aware(day, time(9)) + timedelta(minutes=rng.randrange(0, 180))
            moments.append(min(max(moment, self.floor), self.limit))
        return moments


def _timeline(quarter: Cycle, today: date, weekday: int) -> _Timeline:
    floor = _aware(quarter.start, time(0))
    # Never after today, never in the real future; never before the quarter.
    limit = min(_aware(today, time(23, 59)), max(timezone.now(), _aware(today, time(0))))
    limit = max(limit, floor)
    last = today - timedelta(days=(today.weekday() - weekday) % 7)
    weekly = []
    day = last
    while day >= quarter.start:
        weekly.append(day)
        day -= timedelta(days=7)
    weekly.reverse()
    return _Timeline(quarter.start, quarter.end, floor, limit, weekly)


@dataclass
class _Reading:
    at: datetime
    value: Decimal
    confidence: int
    comment: str = ""
    blockers: str = ""


@dataclass
class _Builder:
    language: str
    today: date
    rng: random.Random
    org: Organization
    timeline: _Timeline
    users: dict[str, User] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    objectives: dict[str, Objective] = field(default_factory=dict)
    # For each objective, its KRs as (weight, [(moment, progress)]) to compute driven KRs.
    history: dict[str, list[tuple[Decimal, list[tuple[datetime, Decimal]]]]] = field(
        default_factory=dict
    )

    def text(self, pair: Text) -> str:
        return _pick(pair, self.language)

    # A conversation ------------------------------------------------------------------------

    def add_conversation(self) -> None:
        """A short discussion on the first company objective (the demo account mentioned),
        and a lead's acknowledgement of the newest check-in of its first key result."""
        objective = next(iter(self.objectives.values()))
        owner = self.users["claire"]
        others = [user for key, user in self.users.items() if key != "claire"][:2]
        handle = owner.email.split("@")[0]
        question = create_comment(
            objective, others[0], self.text(DEMO_QUESTION) % {"handle": handle}
        )
        create_comment(objective, owner, self.text(DEMO_ANSWER), reply_to=question)
        add_reaction(question, others[1], "thumbs_up")
        check_in = (
            CheckIn.objects.filter(key_result__objective=objective)
            .order_by("-created_at", "-id")
            .first()
        )
        if check_in is not None:
            add_reaction(check_in, owner, "check")
            create_comment(check_in, owner, self.text(DEMO_ACKNOWLEDGE))
        # The demo's conversation is its past: nobody is mailed about it.
        InboxItem.objects.filter(organization=self.org).update(mailed_at=timezone.now())

    # KPIs --------------------------------------------------------------------------------

    def add_kpis(self) -> None:
        """A few KPIs of the organisation and its teams, with their weekly history (one
        crossing into critical at its latest value)."""
        monday = self.today - timedelta(days=self.today.weekday())
        for spec in KPIS:
            low_c, low_h, high_h, high_c = (
                None if bound is None else Decimal(bound) for bound in spec.thresholds
            )
            kpi = create_kpi(
                self.org,
                self.users["claire"],
                name=self.text(spec.name),
                unit=self.text(spec.unit),
                direction=spec.direction,
                critical_low=low_c,
                healthy_low=low_h,
                healthy_high=high_h,
                critical_high=high_c,
                team=self.teams[spec.team] if spec.team else None,
                owner=self.users[spec.owner],
            )
            count = len(spec.values)
            rows = [
                KPIValue(
                    kpi=kpi,
                    value=Decimal(value),
                    measured_at=_aware(monday - timedelta(weeks=count - 1 - week), time(9)),
                    status=kpi.status_of(Decimal(value)),
                    origin=ValueOrigin.HAND,
                    author=self.users[spec.owner],
                )
                for week, value in enumerate(spec.values)
            ]
            KPIValue.objects.bulk_create(rows)
            latest = rows[-1]
            # Since when it holds its latest status: the first of the last values that share it.
            since = latest.measured_at
            for row in reversed(rows):
                if row.status != latest.status:
                    break
                since = row.measured_at
            KPI.objects.filter(pk=kpi.pk).update(
                last_value=latest.value,
                last_measured_at=latest.measured_at,
                status=latest.status,
                status_since=since,
            )

    # People and teams --------------------------------------------------------------------

    def add_people(self, owner: User) -> None:
        self.users["claire"] = owner
        for person in PEOPLE:
            if person.key == "claire":
                continue
            email = _email_for(person)
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=None, name=person.name)
            self.users[person.key] = user
        Membership.objects.bulk_create(
            Membership(organization=self.org, user=self.users[p.key], role=p.role)
            for p in PEOPLE
            if p.key != "claire"
        )

    def add_teams(self) -> None:
        for spec in TEAMS:
            parent = self.teams[spec.parent] if spec.parent else None
            team = save_team(
                Team(
                    organization=self.org,
                    name=self.text(spec.name),
                    parent=parent,
                    lead=self.users[spec.lead],
                )
            )
            for member in spec.members:
                add_team_member(team, self.users[member])
            self.teams[spec.key] = team

    # Objectives --------------------------------------------------------------------------

    def add_objectives(self, quarter: Cycle) -> None:
        for position, spec in enumerate(OBJECTIVES):
            self.objectives[spec.key] = create_objective(
                self.org,
                self.users[spec.owner],
                parents=[self.objectives[key] for key in spec.parents],
                cycle=quarter,
                title=self.text(spec.title),
                description=self.text(spec.description),
                level=spec.level,
                team=self.teams[spec.team] if spec.team else None,
                origin=spec.origin,
                visibility=Visibility.PRIVATE if spec.private else Visibility.ORGANIZATION,
                position=position,
            )
        # Children first, so that a KR driven by a child objective can follow its history.
        for spec in reversed(OBJECTIVES):
            objective = self.objectives[spec.key]
            self.history[spec.key] = []
            for kr_spec in spec.krs:
                kr = create_key_result(
                    objective,
                    owner=self.users[kr_spec.owner or spec.owner],
                    title=self.text(kr_spec.title),
                    kind=kr_spec.kind,
                    start=Decimal(kr_spec.start),
                    target=Decimal(kr_spec.target),
                    target_max=Decimal(kr_spec.target_max) if kr_spec.target_max else None,
                    unit=self.text(kr_spec.unit),
                    weight=Decimal(kr_spec.weight),
                    driven_by=self.objectives[kr_spec.driven_by] if kr_spec.driven_by else None,
                )
                readings = self.readings(kr, kr_spec)
                for reading in readings:
                    record_check_in(
                        kr,
                        kr.owner,
                        reading.value,
                        confidence=reading.confidence,
                        comment=reading.comment,
                        blockers=reading.blockers,
                        at=reading.at,
                    )
                self.history[spec.key].append(
                    (
                        kr.weight,
                        [(r.at, self.progress_of(kr, r.value)) for r in readings],
                    )
                )

    def add_dependencies(self) -> None:
        for spec in DEPENDENCIES:
            target = self.objectives[spec.target]
            target_kr = None
            if spec.target_kr is not None:
                target_kr = KeyResult.objects.filter(objective=target).order_by("position")[
                    spec.target_kr
                ]
            source = self.objectives[spec.source]
            create_dependency(
                source.owner,
                organization=self.org,
                from_objective=source,
                to_objective=target,
                to_key_result=target_kr,
                note=self.text(spec.note),
                state=DependencyState.ACCEPTED,
            )

    # Check-ins ---------------------------------------------------------------------------

    @staticmethod
    def progress_of(kr: KeyResult, value: Decimal) -> Decimal:
        return okrmath.progress(kr.kind, kr.start, kr.target, value, kr.target_max)

    def confidences(self, profile: str, count: int) -> list[int]:
        if profile == ON:
            return [self.rng.randint(7, 9) for _ in range(count)]
        first, last = (7, 5) if profile == RISK else (6, 3)
        return [round(first + (last - first) * i / max(1, count - 1)) for i in range(count)]

    def readings(self, kr: KeyResult, spec: KRSpec) -> list[_Reading]:
        rng = self.rng
        moments = self.timeline.moments(rng)
        count = len(moments)
        confidences = self.confidences(spec.profile, count)
        if spec.driven_by:
            values = [self.driven_value(spec.driven_by, moment) for moment in moments]
        elif spec.kind in (KRKind.INCREASE, KRKind.DECREASE):
            values = self.trend(spec, moments)
        elif spec.kind == KRKind.MILESTONE:
            values = [
                Decimal(1)
                if spec.done_at is not None and self.timeline.elapsed(m) >= spec.done_at
                else Decimal(0)
                for m in moments
            ]
        else:
            values = self.steady(spec, count)
        readings = [
            _Reading(moment, value, confidence)
            for moment, value, confidence in zip(moments, values, confidences, strict=True)
        ]
        self.annotate(readings, spec)
        return readings

    def trend(self, spec: KRSpec, moments: Sequence[datetime]) -> list[Decimal]:
        """Readings moving from the start toward the target at the pace of the profile."""
        rng = self.rng
        start, target = float(spec.start), float(spec.target)
        expected = float(
            okrmath.expected_progress(self.timeline.start, self.timeline.end, self.today)
        )
        if spec.profile == ON:
            final = min(1.0, expected * rng.uniform(1.0, 1.2) + 0.02)
        elif spec.profile == RISK:
            final = max(0.0, expected * 0.72 - 0.01)
        else:
            final = expected * 0.4
        last = self.timeline.elapsed(moments[-1])
        shape = rng.uniform(0.8, 1.3)
        values = []
        for i, moment in enumerate(moments):
            share = self.timeline.elapsed(moment) / last if last > 0 else i / (len(moments) - 1)
            progress = final * share**shape
            if 0 < i < len(moments) - 1:
                progress = max(0.0, progress + rng.gauss(0, 0.015))
            if i == 0:
                progress = 0.0
            values.append(_quantize(start + progress * (target - start), spec.places))
        return values

    def steady(self, spec: KRSpec, count: int) -> list[Decimal]:
        """Readings of a stay-above/below/between KR: around the usual value, inside the
        bounds when on track, drifting out of them at the end otherwise."""
        rng = self.rng
        assert spec.typical is not None
        typical, noise = float(spec.typical), spec.noise
        low = float(spec.target) if spec.kind != KRKind.STAY_BELOW else None
        high: float | None = None
        if spec.kind == KRKind.STAY_BELOW:
            high = float(spec.target)
        elif spec.kind == KRKind.STAY_BETWEEN:
            assert spec.target_max is not None
            high = float(spec.target_max)
        margin = noise * 0.2
        values = []
        for i in range(count):
            value = typical + rng.gauss(0, noise)
            if low is not None:
                value = max(value, low + margin)
            if high is not None:
                value = min(value, high - margin)
            drift = {RISK: (1,), OFF: (1, 2)}.get(spec.profile, ())
            from_end = count - i
            if from_end in drift:
                outside = noise * (0.6 + 0.7 * (len(drift) - from_end + 1))
                value = (high + outside) if high is not None else (low or 0) - outside
            if spec.unit == PCT:
                value = min(value, 100.0)
            values.append(_quantize(value, spec.places))
        return values

    def driven_value(self, child: str, moment: datetime) -> Decimal:
        """The child objective's progress at `moment`, in %, from its KRs' readings."""
        pairs = []
        for weight, points in self.history[child]:
            seen = [progress for at, progress in points if at <= moment]
            pairs.append((weight, seen[-1] if seen else Decimal(0)))
        return _quantize(float(okrmath.weighted_mean(pairs)) * 100, 0)

    def annotate(self, readings: list[_Reading], spec: KRSpec) -> None:
        rng = self.rng
        pool = COMMENTS[spec.profile]
        for i, reading in enumerate(readings):
            if spec.driven_by:
                reading.comment = self.text(DRIVEN_COMMENT) if i == 0 else ""
                continue
            if i == 0:
                reading.comment = self.text(FIRST_COMMENT)
            elif rng.random() < 0.55:
                reading.comment = self.text(rng.choice(pool))
            if spec.kind == KRKind.MILESTONE and reading.value < 1 and i > 0:
                reading.comment = reading.comment or self.text(MILESTONE_PENDING)
        last = readings[-1]
        if spec.note and not (spec.kind == KRKind.MILESTONE and last.value < 1):
            last.comment = self.text(spec.note)
        elif spec.profile != ON:
            last.comment = self.text(pool[-1])
        blocked = {RISK: 1, OFF: 2}.get(spec.profile, 0)
        for offset, reading in enumerate(reversed(readings[len(readings) - blocked :])):
            blocker = spec.blocker if offset == 0 and spec.blocker else rng.choice(BLOCKERS)
            reading.blockers = self.text(blocker)


def _demo_owner() -> User:
    owner = User.objects.filter(email=DEMO_EMAIL).first()
    if owner is None:
        owner = User(email=DEMO_EMAIL, name="Claire Lambert")
    owner.set_password(DEMO_PASSWORD)
    owner.save()
    _mark_email_verified(owner)
    return owner


def _mark_email_verified(user: User) -> None:
    """Let the demo account sign in even where e-mail verification is mandatory."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _cycles(org: Organization, today: date) -> tuple[Cycle, Cycle]:
    """This year and its quarters (a new organisation may already have them): the running
    ones active, the past quarters closed, the coming ones in planning."""
    year = Cycle.objects.filter(
        organization=org, kind=CycleKind.YEAR, start__lte=today, end__gte=today
    ).first()
    if year is None:
        year = create_year_with_quarters(org, today.year)
    quarters = Cycle.objects.filter(parent=year)
    quarters.filter(end__lt=today).update(state=CycleState.CLOSED)
    quarters.filter(start__gt=today).update(state=CycleState.PLANNING)
    quarter = quarters.get(start__lte=today, end__gte=today)
    Cycle.objects.filter(pk__in=[year.pk, quarter.pk]).update(state=CycleState.ACTIVE)
    year.refresh_from_db()
    quarter.refresh_from_db()
    return year, quarter


@transaction.atomic
def create_demo(language: str = "en", today: date | None = None) -> DemoResult:
    """Create the demo organisation, owned by the demo account, with its people, teams,
    cycles, aligned OKRs and a few weeks of check-ins up to `today`."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}: choose one of {', '.join(LANGUAGES)}.")
    today = today or timezone.localdate()
    with translation.override(language):
        owner = _demo_owner()
        org = create_organization(
            owner,
            _pick(ORGANIZATION_NAME, language),
            language=language,
            # Explicit Decimals: the model's float defaults fail its own full_clean().
            at_risk_gap=Decimal("0.15"),
            off_track_gap=Decimal("0.30"),
        )
        year, quarter = _cycles(org, today)
        builder = _Builder(
            language=language,
            today=today,
            rng=random.Random(SEED),
            org=org,
            timeline=_timeline(quarter, today, org.checkin_weekday),
        )
        builder.add_people(owner)
        builder.add_teams()
        builder.add_objectives(quarter)
        builder.add_dependencies()
        builder.add_kpis()
        builder.add_conversation()
    return DemoResult(
        organization=org,
        owner=owner,
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        year=year,
        quarter=quarter,
        users=list(builder.users.values()),
    )
