"""A library of ready-made OKR templates, in English and in French.

Plain Python data with no Django import and no database: the web app, the API and the CLI
can all offer the same templates. Objectives are qualitative (no figures in their titles);
each carries three to five measurable key results whose kind, start, target and unit follow
the rules of `cible.lib.okrmath`. KR titles name the metric and its direction; the figures
live in `start`, `target` and `target_max`, so that a team adopting a template can adjust
them without rewriting the title.
"""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from cible.lib.okrmath import Kind

__all__ = [
    "FUNCTIONS",
    "TEMPLATES",
    "KRTemplate",
    "ObjectiveTemplate",
    "by_function",
    "get",
    "search",
]


def _is_french(language: str) -> bool:
    """True for "fr" and its regional variants ("fr-ca", "fr_FR"); anything else is English."""
    return language.strip().lower().replace("_", "-").split("-")[0] == "fr"


@dataclass(frozen=True)
class KRTemplate:
    """One key result of a template: a metric, its kind and its values."""

    title_en: str
    title_fr: str
    kind: str
    start: Decimal
    target: Decimal
    target_max: Decimal | None = None
    unit_en: str = ""
    unit_fr: str = ""

    def __post_init__(self) -> None:
        Kind(self.kind)  # raises ValueError on an unknown kind

    def title(self, language: str) -> str:
        return self.title_fr if _is_french(language) else self.title_en

    def unit(self, language: str) -> str:
        return self.unit_fr if _is_french(language) else self.unit_en


@dataclass(frozen=True)
class ObjectiveTemplate:
    """One objective of the library with its key results."""

    key: str
    function: str
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    key_results: tuple[KRTemplate, ...]

    def title(self, language: str) -> str:
        return self.title_fr if _is_french(language) else self.title_en

    def description(self, language: str) -> str:
        return self.description_fr if _is_french(language) else self.description_en


FUNCTIONS: dict[str, tuple[str, str]] = {
    "marketing": ("Marketing", "Marketing"),
    "sales": ("Sales", "Ventes"),
    "hr": ("People & HR", "Ressources humaines"),
    "product": ("Product", "Produit"),
    "customer_service": ("Customer service", "Service client"),
    "engineering": ("Engineering", "Ingénierie"),
    "finance": ("Finance", "Finance"),
    "operations": ("Operations", "Opérations"),
    "data": ("Data & analytics", "Données & analyse"),
    "security": ("Security", "Sécurité"),
    "legal": ("Legal & compliance", "Juridique & conformité"),
    "design": ("Design", "Design"),
}

# Units shared by many KRs: the short code maps to (English, French).
_UNITS: dict[str, tuple[str, str]] = {
    "": ("", ""),
    "%": ("%", "%"),
    "EUR": ("EUR", "EUR"),
    "days": ("days", "jours"),
    "h": ("h", "h"),
}

Unit = str | tuple[str, str]


def _kr(
    kind: Kind,
    start: str,
    target: str,
    title_en: str,
    title_fr: str,
    unit: Unit = "",
    target_max: str | None = None,
) -> KRTemplate:
    unit_en, unit_fr = _UNITS[unit] if isinstance(unit, str) else unit
    return KRTemplate(
        title_en=title_en,
        title_fr=title_fr,
        kind=kind.value,
        start=Decimal(start),
        target=Decimal(target),
        target_max=None if target_max is None else Decimal(target_max),
        unit_en=unit_en,
        unit_fr=unit_fr,
    )


def _up(start: str, target: str, en: str, fr: str, unit: Unit = "") -> KRTemplate:
    """Raise a metric from `start` to `target`."""
    return _kr(Kind.INCREASE, start, target, en, fr, unit)


def _down(start: str, target: str, en: str, fr: str, unit: Unit = "") -> KRTemplate:
    """Lower a metric from `start` to `target`."""
    return _kr(Kind.DECREASE, start, target, en, fr, unit)


def _floor(current: str, floor: str, en: str, fr: str, unit: Unit = "") -> KRTemplate:
    """Keep a metric at or above `floor` (`current` is today's level)."""
    return _kr(Kind.STAY_ABOVE, current, floor, en, fr, unit)


def _ceiling(current: str, ceiling: str, en: str, fr: str, unit: Unit = "") -> KRTemplate:
    """Keep a metric at or below `ceiling` (`current` is today's level)."""
    return _kr(Kind.STAY_BELOW, current, ceiling, en, fr, unit)


def _band(current: str, low: str, high: str, en: str, fr: str, unit: Unit = "") -> KRTemplate:
    """Keep a metric between `low` and `high` (`current` is today's level)."""
    return _kr(Kind.STAY_BETWEEN, current, low, en, fr, unit, target_max=high)


def _milestone(en: str, fr: str) -> KRTemplate:
    """A deliverable that is either done or not."""
    return _kr(Kind.MILESTONE, "0", "1", en, fr)


def _objective(
    key: str,
    title_en: str,
    title_fr: str,
    description_en: str,
    description_fr: str,
    *key_results: KRTemplate,
) -> ObjectiveTemplate:
    function = next(f for f in FUNCTIONS if key.startswith(f.replace("_", "-") + "-"))
    return ObjectiveTemplate(
        key=key,
        function=function,
        title_en=title_en,
        title_fr=title_fr,
        description_en=description_en,
        description_fr=description_fr,
        key_results=key_results,
    )


_MARKETING = (
    _objective(
        "marketing-brand-awareness",
        "Make our brand a familiar name in our market",
        "Faire de notre marque un nom familier sur notre marché",
        "Get noticed by the people we want to serve, through content, search and social channels.",
        "Nous faire remarquer par les personnes que nous voulons servir, grâce au contenu, "
        "au référencement et aux réseaux sociaux.",
        _up(
            "50000",
            "100000",
            "Grow monthly organic visitors to the website",
            "Augmenter les visiteurs organiques mensuels du site",
            ("visitors", "visiteurs"),
        ),
        _up(
            "4000",
            "8000",
            "Grow followers across our social accounts",
            "Augmenter le nombre d'abonnés sur nos comptes sociaux",
            ("followers", "abonnés"),
        ),
        _up(
            "30",
            "60",
            "Earn press and blog mentions per quarter",
            "Obtenir des mentions dans la presse et les blogs par trimestre",
            ("mentions", "mentions"),
        ),
        _up(
            "12",
            "25",
            "Raise aided brand recognition in our target audience survey",
            "Accroître la notoriété assistée de la marque dans le sondage de notre cible",
            "%",
        ),
    ),
    _objective(
        "marketing-demand-generation",
        "Fill the pipeline with leads our sales team loves",
        "Alimenter le pipeline avec des prospects que nos commerciaux adorent",
        "Generate qualified demand that turns into real sales conversations.",
        "Générer une demande qualifiée qui se transforme en vraies conversations commerciales.",
        _up(
            "300",
            "500",
            "Generate marketing-qualified leads per month",
            "Générer des prospects qualifiés par le marketing chaque mois",
            ("leads", "prospects"),
        ),
        _up(
            "18",
            "30",
            "Raise the lead-to-opportunity conversion rate",
            "Relever le taux de conversion des prospects en opportunités",
            "%",
        ),
        _down(
            "180",
            "120",
            "Lower the cost per qualified lead",
            "Réduire le coût par prospect qualifié",
            "EUR",
        ),
        _floor(
            "42",
            "40",
            "Keep the share of pipeline sourced by marketing above the floor",
            "Maintenir la part du pipeline issue du marketing au-dessus du plancher",
            "%",
        ),
    ),
    _objective(
        "marketing-content",
        "Become the reference voice on our topic",
        "Devenir la voix de référence sur notre sujet",
        "Publish useful content on a steady rhythm, content our audience looks for and shares.",
        "Publier à un rythme régulier des contenus utiles, que notre public recherche et partage.",
        _up(
            "4",
            "12",
            "Publish in-depth articles per month",
            "Publier des articles de fond chaque mois",
            ("articles", "articles"),
        ),
        _up(
            "8",
            "20",
            "Rank keywords on the first page of search results",
            "Positionner des mots-clés en première page des résultats de recherche",
            ("keywords", "mots-clés"),
        ),
        _up(
            "2000",
            "6000",
            "Grow newsletter subscribers",
            "Augmenter les abonnés à la lettre d'information",
            ("subscribers", "abonnés"),
        ),
        _floor(
            "38",
            "35",
            "Keep the newsletter open rate above the floor",
            "Maintenir le taux d'ouverture de la lettre d'information au-dessus du plancher",
            "%",
        ),
        _milestone(
            "Launch a customer stories hub on the website",
            "Lancer un espace de témoignages clients sur le site",
        ),
    ),
    _objective(
        "marketing-product-launches",
        "Turn every launch into a moment our market notices",
        "Faire de chaque lancement un moment que notre marché remarque",
        "Coordinate launches so that new features reach the users who need them.",
        "Coordonner les lancements pour que les nouveautés atteignent les utilisateurs qui en "
        "ont besoin.",
        _up(
            "500",
            "2000",
            "Collect sign-ups during launch week",
            "Recueillir des inscriptions pendant la semaine de lancement",
            ("sign-ups", "inscriptions"),
        ),
        _up(
            "10",
            "30",
            "Raise the share of active users who try a new feature in its first month",
            "Accroître la part des utilisateurs actifs qui essaient une nouveauté dès son "
            "premier mois",
            "%",
        ),
        _up(
            "2",
            "8",
            "Run launch webinars with customers",
            "Animer des webinaires de lancement avec des clients",
            ("webinars", "webinaires"),
        ),
        _milestone(
            "Share a repeatable launch playbook with product and sales",
            "Partager un guide de lancement réutilisable avec le produit et les ventes",
        ),
    ),
    _objective(
        "marketing-community",
        "Grow a community that speaks up for us",
        "Faire grandir une communauté qui parle pour nous",
        "Give our users a place to meet, help each other and recommend us.",
        "Offrir à nos utilisateurs un lieu pour se rencontrer, s'entraider et nous recommander.",
        _up(
            "800",
            "2000",
            "Grow active community members",
            "Augmenter les membres actifs de la communauté",
            ("members", "membres"),
        ),
        _up(
            "5",
            "15",
            "Raise the share of sign-ups coming from referrals",
            "Accroître la part des inscriptions venant de recommandations",
            "%",
        ),
        _up(
            "2",
            "6",
            "Host user meetups per quarter",
            "Organiser des rencontres d'utilisateurs par trimestre",
            ("meetups", "rencontres"),
        ),
        _down(
            "48",
            "12",
            "Cut the time for a community question to get its first answer",
            "Réduire le délai avant la première réponse à une question de la communauté",
            "h",
        ),
    ),
    _objective(
        "marketing-website-conversion",
        "Make our website our best salesperson",
        "Faire de notre site notre meilleur commercial",
        "Turn more of the visitors we already attract into trials and customers.",
        "Transformer davantage de visiteurs déjà attirés en essais et en clients.",
        _up(
            "1.5",
            "3",
            "Raise the visitor-to-trial conversion rate",
            "Relever le taux de conversion des visiteurs en essais",
            "%",
        ),
        _down(
            "3.2",
            "1.5",
            "Cut the median page load time",
            "Réduire le temps de chargement médian des pages",
            ("s", "s"),
        ),
        _ceiling(
            "52",
            "45",
            "Keep the bounce rate of landing pages under the ceiling",
            "Maintenir le taux de rebond des pages d'atterrissage sous le plafond",
            "%",
        ),
        _milestone(
            "Relaunch the pricing page with a clear comparison of plans",
            "Relancer la page des tarifs avec une comparaison claire des offres",
        ),
    ),
)

_SALES = (
    _objective(
        "sales-revenue-growth",
        "Grow revenue faster than ever before",
        "Faire croître le chiffre d'affaires plus vite que jamais",
        "Win more deals and bigger ones, while keeping the quality of our customer base.",
        "Gagner des contrats plus nombreux et plus importants, tout en préservant la qualité "
        "de notre base clients.",
        _up(
            "1430000",
            "2000000",
            "Grow quarterly revenue",
            "Augmenter le chiffre d'affaires trimestriel",
            "EUR",
        ),
        _up(
            "20000",
            "25000",
            "Raise the average contract value",
            "Relever la valeur moyenne des contrats",
            "EUR",
        ),
        _up(
            "22",
            "30",
            "Raise the win rate on qualified opportunities",
            "Améliorer le taux de réussite sur les opportunités qualifiées",
            "%",
        ),
        _floor(
            "2.6",
            "3",
            "Keep pipeline coverage of the quota above the floor",
            "Maintenir la couverture du quota par le pipeline au-dessus du plancher",
            ("x quota", "x quota"),
        ),
    ),
    _objective(
        "sales-new-segment",
        "Open the doors of a new market segment",
        "Ouvrir les portes d'un nouveau segment de marché",
        "Gain a foothold with customers we have never served before.",
        "Prendre pied chez des clients que nous n'avons encore jamais servis.",
        _up(
            "0",
            "15",
            "Sign new customers in the target segment",
            "Signer de nouveaux clients dans le segment cible",
            ("customers", "clients"),
        ),
        _up(
            "0",
            "40",
            "Hold discovery meetings with target accounts",
            "Tenir des rendez-vous de découverte avec des comptes cibles",
            ("meetings", "rendez-vous"),
        ),
        _up(
            "0",
            "3",
            "Secure reference customers willing to speak publicly",
            "Obtenir des clients de référence prêts à témoigner publiquement",
            ("references", "références"),
        ),
        _milestone(
            "Publish an offer and a pitch deck dedicated to the segment",
            "Publier une offre et une présentation dédiées au segment",
        ),
    ),
    _objective(
        "sales-cycle-efficiency",
        "Make buying from us fast and effortless",
        "Rendre l'achat chez nous rapide et sans effort",
        "Remove friction from the sales process so that good deals close sooner.",
        "Supprimer les frictions du processus de vente pour conclure plus tôt les bonnes affaires.",
        _down(
            "75",
            "50",
            "Shorten the average sales cycle",
            "Raccourcir le cycle de vente moyen",
            "days",
        ),
        _down(
            "10",
            "3",
            "Cut the time to send a quote after the demo",
            "Réduire le délai d'envoi d'un devis après la démonstration",
            "days",
        ),
        _up(
            "40",
            "80",
            "Raise the share of contracts signed electronically",
            "Augmenter la part des contrats signés électroniquement",
            "%",
        ),
        _ceiling(
            "18",
            "15",
            "Keep the average discount granted under the ceiling",
            "Maintenir la remise moyenne accordée sous le plafond",
            "%",
        ),
    ),
    _objective(
        "sales-account-expansion",
        "Grow together with the customers who already trust us",
        "Grandir avec les clients qui nous font déjà confiance",
        "Expand existing accounts with upsell and cross-sell that genuinely serve them.",
        "Développer les comptes existants par des ventes additionnelles qui leur sont "
        "réellement utiles.",
        _up(
            "100",
            "115",
            "Raise net revenue retention",
            "Relever la rétention nette du chiffre d'affaires",
            "%",
        ),
        _up(
            "150000",
            "300000",
            "Grow expansion revenue from existing accounts",
            "Augmenter le chiffre d'affaires additionnel des comptes existants",
            "EUR",
        ),
        _up(
            "20",
            "60",
            "Hold business reviews with key accounts",
            "Mener des revues d'affaires avec les comptes clés",
            ("reviews", "revues"),
        ),
        _down(
            "12",
            "8",
            "Lower annual customer churn",
            "Réduire l'attrition annuelle des clients",
            "%",
        ),
    ),
    _objective(
        "sales-team-excellence",
        "Build a sales team that sells with confidence",
        "Bâtir une équipe commerciale qui vend avec assurance",
        "Equip every seller with the skills, the tools and the habits to succeed.",
        "Donner à chaque commercial les compétences, les outils et les habitudes pour réussir.",
        _down(
            "120",
            "75",
            "Cut the ramp-up time of new sellers to their first deal",
            "Réduire le délai de montée en compétence des nouveaux commerciaux jusqu'à leur "
            "premier contrat",
            "days",
        ),
        _up(
            "50",
            "80",
            "Raise the share of sellers reaching their quota",
            "Augmenter la part des commerciaux qui atteignent leur quota",
            "%",
        ),
        _floor(
            "88",
            "95",
            "Keep the completeness of opportunity records in the CRM above the floor",
            "Maintenir la complétude des fiches d'opportunités du CRM au-dessus du plancher",
            "%",
        ),
        _milestone(
            "Roll out the new sales playbook to the whole team",
            "Déployer le nouveau guide de vente auprès de toute l'équipe",
        ),
    ),
)

_HR = (
    _objective(
        "hr-recruiting",
        "Hire great people faster without lowering the bar",
        "Recruter de grands talents plus vite sans baisser nos exigences",
        "Make our recruitment process quick, fair and pleasant for every candidate.",
        "Rendre notre processus de recrutement rapide, équitable et agréable pour chaque candidat.",
        _down(
            "60",
            "35",
            "Cut the average time-to-hire",
            "Réduire le délai moyen de recrutement",
            "days",
        ),
        _up(
            "70",
            "90",
            "Raise the offer acceptance rate",
            "Augmenter le taux d'acceptation des offres d'emploi",
            "%",
        ),
        _floor(
            "82",
            "85",
            "Keep the share of candidates rating the process good or excellent above the floor",
            "Maintenir au-dessus du plancher la part des candidats jugeant le processus bon ou "
            "excellent",
            "%",
        ),
        _up(
            "15",
            "35",
            "Raise the share of hires coming from employee referrals",
            "Accroître la part des recrutements issus de la cooptation",
            "%",
        ),
    ),
    _objective(
        "hr-employer-brand",
        "Be the place talented people dream of joining",
        "Être l'entreprise que les talents rêvent de rejoindre",
        "Show who we really are, so that the right candidates come to us.",
        "Montrer qui nous sommes vraiment, pour que les bons candidats viennent à nous et "
        "nourrissent notre recrutement.",
        _up(
            "40",
            "120",
            "Grow qualified applications per month",
            "Augmenter les candidatures qualifiées par mois",
            ("applications", "candidatures"),
        ),
        _up(
            "3.6",
            "4.2",
            "Raise our rating on employer review sites",
            "Améliorer notre note sur les sites d'avis d'employeurs",
            ("stars", "étoiles"),
        ),
        _up(
            "0",
            "6",
            "Publish stories from our teams on the careers page",
            "Publier des portraits de nos équipes sur la page carrières",
            ("stories", "portraits"),
        ),
        _milestone(
            "Relaunch the careers page",
            "Relancer la page carrières",
        ),
    ),
    _objective(
        "hr-onboarding",
        "Give every newcomer a first month to remember",
        "Offrir à chaque nouvel arrivant un premier mois mémorable",
        "Help new colleagues become effective and feel at home quickly.",
        "Aider les nouveaux collègues à devenir efficaces et à se sentir chez eux rapidement.",
        _down(
            "45",
            "20",
            "Cut the time before a newcomer's first real contribution",
            "Réduire le délai avant la première vraie contribution d'un nouvel arrivant",
            "days",
        ),
        _floor(
            "84",
            "90",
            "Keep the share of newcomers satisfied with their onboarding above the floor",
            "Maintenir au-dessus du plancher la part des nouveaux arrivants satisfaits de leur "
            "intégration",
            "%",
        ),
        _up(
            "60",
            "100",
            "Raise the share of newcomers with a buddy assigned on their first day",
            "Porter la part des nouveaux arrivants ayant un parrain dès leur premier jour",
            "%",
        ),
        _down(
            "15",
            "5",
            "Lower departures during the probation period",
            "Réduire les départs pendant la période d'essai",
            "%",
        ),
    ),
    _objective(
        "hr-engagement",
        "Make this the best place we have ever worked",
        "Faire d'ici le meilleur endroit où nous ayons jamais travaillé",
        "Build a workplace where people feel heard, trusted and proud of their team.",
        "Construire un lieu de travail où chacun se sent écouté, digne de confiance et fier "
        "de son équipe.",
        _up(
            "20",
            "40",
            "Raise the employee Net Promoter Score",
            "Relever le score de recommandation des salariés (eNPS)",
            ("points", "points"),
        ),
        _up(
            "60",
            "85",
            "Raise participation in the engagement survey",
            "Augmenter la participation à l'enquête d'engagement",
            "%",
        ),
        _ceiling(
            "11",
            "10",
            "Keep voluntary annual turnover under the ceiling",
            "Maintenir le taux de départs volontaires annuel sous le plafond",
            "%",
        ),
        _up(
            "50",
            "90",
            "Raise the share of employees with a monthly one-to-one",
            "Porter la part des salariés ayant un entretien individuel mensuel",
            "%",
        ),
    ),
    _objective(
        "hr-growth",
        "Help everyone grow their skills and their career",
        "Aider chacun à développer ses compétences et sa carrière",
        "Invest in learning and make internal moves the natural way to progress.",
        "Investir dans la formation et faire de la mobilité interne la voie naturelle pour "
        "progresser.",
        _up(
            "12",
            "24",
            "Raise training hours per employee per year",
            "Augmenter les heures de formation par salarié et par an",
            "h",
        ),
        _up(
            "30",
            "80",
            "Raise the share of employees with a written development plan",
            "Augmenter la part des salariés dotés d'un plan de développement écrit",
            "%",
        ),
        _up(
            "20",
            "40",
            "Raise the share of positions filled through internal mobility",
            "Accroître la part des postes pourvus par mobilité interne",
            "%",
        ),
        _milestone(
            "Publish a career framework for every job family",
            "Publier une grille de carrière pour chaque famille de métiers",
        ),
    ),
    _objective(
        "hr-diversity-inclusion",
        "Build a team as diverse as the people we serve",
        "Bâtir une équipe aussi diverse que les personnes que nous servons",
        "Widen where we look for talent and make sure everyone is treated fairly once here.",
        "Élargir nos viviers de talents et garantir à chacun un traitement équitable une fois "
        "parmi nous.",
        _up(
            "25",
            "40",
            "Raise the share of under-represented candidates on final shortlists",
            "Accroître la part de candidats sous-représentés dans les listes finales",
            "%",
        ),
        _ceiling(
            "4.5",
            "3",
            "Keep the gender pay gap on equal roles under the ceiling",
            "Maintenir l'écart de rémunération entre femmes et hommes à poste égal sous le plafond",
            "%",
        ),
        _up(
            "0",
            "100",
            "Train hiring managers in inclusive hiring",
            "Former les managers au recrutement inclusif",
            "%",
        ),
        _milestone(
            "Adopt structured interview scorecards for every role",
            "Adopter des grilles d'entretien structurées pour chaque poste",
        ),
    ),
)

_PRODUCT = (
    _objective(
        "product-feature-launches",
        "Deliver the features our customers keep asking for",
        "Livrer les fonctionnalités que nos clients réclament",
        "Turn the most requested improvements into features people actually use.",
        "Transformer les améliorations les plus demandées en fonctionnalités réellement utilisées.",
        _up(
            "0",
            "3",
            "Launch major features",
            "Lancer des fonctionnalités majeures",
            ("features", "fonctionnalités"),
        ),
        _up(
            "0",
            "60",
            "Reach adoption of the new features by active users",
            "Atteindre l'adoption des nouvelles fonctionnalités par les utilisateurs actifs",
            "%",
        ),
        _down(
            "20",
            "8",
            "Shrink the list of top-voted customer requests still open",
            "Réduire la liste des demandes clients les plus votées encore ouvertes",
            ("requests", "demandes"),
        ),
        _down(
            "90",
            "45",
            "Cut the lead time from specification to release",
            "Réduire le délai entre la spécification et la mise en production",
            "days",
        ),
    ),
    _objective(
        "product-activation",
        "Make new users succeed from their very first session",
        "Faire réussir les nouveaux utilisateurs dès leur première session",
        "Shorten the path between signing up and getting real value from the product.",
        "Raccourcir le chemin entre l'inscription et la première vraie valeur tirée du produit.",
        _up(
            "25",
            "45",
            "Raise the activation rate of new sign-ups",
            "Relever le taux d'activation des nouveaux inscrits",
            "%",
        ),
        _down(
            "3",
            "1",
            "Cut the median time to first value",
            "Réduire le délai médian avant la première valeur perçue",
            "days",
        ),
        _up(
            "30",
            "50",
            "Raise first-week retention",
            "Améliorer la rétention à une semaine",
            "%",
        ),
        _milestone(
            "Ship a guided setup for new workspaces",
            "Livrer une configuration guidée des nouveaux espaces de travail",
        ),
    ),
    _objective(
        "product-retention",
        "Become a product people cannot imagine working without",
        "Devenir un produit sans lequel on ne s'imagine plus travailler",
        "Earn daily habits and lasting loyalty by solving real problems well.",
        "Gagner une place dans le quotidien et une fidélité durable en résolvant bien de vrais "
        "problèmes.",
        _up(
            "20",
            "35",
            "Raise the ratio of daily to monthly active users",
            "Relever le ratio d'utilisateurs actifs quotidiens sur mensuels",
            "%",
        ),
        _up(
            "30",
            "45",
            "Raise the product Net Promoter Score",
            "Relever le Net Promoter Score du produit",
            ("points", "points"),
        ),
        _down(
            "4",
            "2.5",
            "Lower the monthly churn of paying accounts",
            "Réduire l'attrition mensuelle des comptes payants",
            "%",
        ),
        _up(
            "15000",
            "25000",
            "Grow monthly active users",
            "Augmenter les utilisateurs actifs mensuels",
            ("users", "utilisateurs"),
        ),
    ),
    _objective(
        "product-discovery",
        "Build only what truly matters to our users",
        "Ne construire que ce qui compte vraiment pour nos utilisateurs",
        "Base the roadmap on evidence from users rather than on the loudest opinion.",
        "Fonder la feuille de route sur des preuves venues des utilisateurs plutôt que sur "
        "l'avis le plus bruyant.",
        _up(
            "4",
            "12",
            "Hold customer interviews per month",
            "Mener des entretiens clients chaque mois",
            ("interviews", "entretiens"),
        ),
        _up(
            "20",
            "70",
            "Raise the share of roadmap items backed by user evidence",
            "Augmenter la part des sujets de la feuille de route étayés par des preuves "
            "utilisateurs",
            "%",
        ),
        _up(
            "0",
            "6",
            "Test prototypes before committing to build",
            "Tester des prototypes avant de s'engager à développer",
            ("prototypes", "prototypes"),
        ),
        _milestone(
            "Publish a public roadmap for customers",
            "Publier une feuille de route ouverte aux clients",
        ),
    ),
    _objective(
        "product-monetisation",
        "Make our pricing reflect the value we deliver",
        "Aligner nos prix sur la valeur que nous apportons",
        "Package and price the product so that customers who get more value pay more.",
        "Composer et tarifer le produit pour que les clients qui en tirent plus de valeur "
        "paient davantage.",
        _up(
            "3",
            "6",
            "Raise the free-to-paid conversion rate",
            "Relever le taux de conversion de l'offre gratuite vers l'offre payante",
            "%",
        ),
        _up(
            "45",
            "60",
            "Raise average monthly revenue per account",
            "Augmenter le revenu mensuel moyen par compte",
            "EUR",
        ),
        _up(
            "10",
            "25",
            "Raise the share of accounts on an annual plan",
            "Accroître la part des comptes en abonnement annuel",
            "%",
        ),
        _milestone(
            "Launch the new plan structure",
            "Lancer la nouvelle grille d'offres",
        ),
    ),
)

_CUSTOMER_SERVICE = (
    _objective(
        "customer-service-satisfaction",
        "Delight every customer who reaches out to us",
        "Enchanter chaque client qui nous contacte",
        "Answer quickly, solve the problem the first time, and leave customers happier than "
        "they came.",
        "Répondre vite, résoudre le problème du premier coup et laisser les clients plus "
        "satisfaits qu'à leur arrivée.",
        _floor(
            "92",
            "95",
            "Keep customer satisfaction (CSAT) at or above the target",
            "Maintenir la satisfaction client (CSAT) au niveau visé ou au-dessus",
            "%",
        ),
        _up(
            "65",
            "85",
            "Raise first-contact resolution",
            "Augmenter la résolution au premier contact",
            "%",
        ),
        _down(
            "4",
            "1",
            "Cut the first-response time",
            "Réduire le délai de première réponse",
            "h",
        ),
        _ceiling(
            "3",
            "2",
            "Keep the share of reopened tickets under the ceiling",
            "Maintenir la part des tickets rouverts sous le plafond",
            "%",
        ),
    ),
    _objective(
        "customer-service-self-service",
        "Let customers find answers on their own",
        "Permettre aux clients de trouver seuls leurs réponses",
        "Build a help centre good enough that many questions never need a ticket.",
        "Bâtir un centre d'aide assez bon pour que beaucoup de questions n'aient jamais besoin "
        "d'un ticket.",
        _up(
            "60",
            "150",
            "Publish up-to-date help centre articles",
            "Publier des articles à jour dans le centre d'aide",
            ("articles", "articles"),
        ),
        _up(
            "20",
            "40",
            "Raise the share of questions resolved without an agent",
            "Accroître la part des questions résolues sans conseiller",
            "%",
        ),
        _down(
            "1200",
            "800",
            "Lower monthly tickets about how to use the product",
            "Réduire les tickets mensuels portant sur l'usage du produit",
            ("tickets", "tickets"),
        ),
        _floor(
            "76",
            "80",
            "Keep the share of articles rated helpful above the floor",
            "Maintenir au-dessus du plancher la part des articles jugés utiles",
            "%",
        ),
    ),
    _objective(
        "customer-service-efficiency",
        "Solve problems swiftly and for good",
        "Résoudre les problèmes rapidement et durablement",
        "Remove the delays and hand-offs that make customers wait.",
        "Supprimer les délais et les transferts qui font attendre les clients.",
        _down(
            "30",
            "12",
            "Cut the average resolution time",
            "Réduire le délai moyen de résolution",
            "h",
        ),
        _floor(
            "85",
            "90",
            "Keep the share of tickets handled within the service level above the floor",
            "Maintenir au-dessus du plancher la part des tickets traités dans les délais "
            "contractuels",
            "%",
        ),
        _ceiling(
            "120",
            "50",
            "Keep the backlog of tickets older than a week under the ceiling",
            "Maintenir sous le plafond le stock de tickets de plus d'une semaine",
            ("tickets", "tickets"),
        ),
        _down(
            "25",
            "10",
            "Lower the escalation rate to engineering",
            "Réduire le taux d'escalade vers l'ingénierie",
            "%",
        ),
    ),
    _objective(
        "customer-service-customer-success",
        "Help customers get the full value of what they bought",
        "Aider les clients à tirer toute la valeur de ce qu'ils ont acheté",
        "Guide every account from onboarding to renewal with proactive support.",
        "Accompagner chaque compte de la prise en main au renouvellement par un suivi proactif.",
        _up(
            "50",
            "90",
            "Raise the share of new accounts completing onboarding",
            "Augmenter la part des nouveaux comptes qui terminent leur prise en main",
            "%",
        ),
        _up(
            "85",
            "92",
            "Raise the gross renewal rate",
            "Améliorer le taux brut de renouvellement",
            "%",
        ),
        _up(
            "0",
            "40",
            "Run health checks with at-risk accounts",
            "Mener des bilans de santé avec les comptes à risque",
            ("accounts", "comptes"),
        ),
        _milestone(
            "Launch an account health score shared with sales",
            "Lancer un score de santé des comptes partagé avec les ventes",
        ),
    ),
    _objective(
        "customer-service-voice-of-customer",
        "Make the customer's voice heard across the company",
        "Faire entendre la voix du client dans toute l'entreprise",
        "Turn what customers tell us every day into decisions for product and teams.",
        "Transformer ce que les clients nous disent chaque jour en décisions pour le produit "
        "et les équipes.",
        _up(
            "30",
            "100",
            "Raise the share of tickets tagged with a product area",
            "Augmenter la part des tickets rattachés à un domaine produit",
            "%",
        ),
        _up(
            "0",
            "3",
            "Share monthly customer insight reports with product",
            "Partager des synthèses mensuelles des retours clients avec le produit",
            ("reports", "synthèses"),
        ),
        _down(
            "20",
            "10",
            "Reduce the top recurring issues left without a fix",
            "Réduire les problèmes récurrents majeurs restés sans solution",
            ("issues", "problèmes"),
        ),
        _up(
            "10",
            "25",
            "Raise the response rate to satisfaction surveys",
            "Relever le taux de réponse aux enquêtes de satisfaction",
            "%",
        ),
    ),
)

_ENGINEERING = (
    _objective(
        "engineering-reliability",
        "Run a service our customers can count on",
        "Offrir un service sur lequel nos clients peuvent compter",
        "Prevent outages where we can, and recover fast and learn when they happen.",
        "Éviter les pannes quand c'est possible, et quand elles surviennent, rétablir vite "
        "et en tirer des leçons.",
        _floor(
            "99.7",
            "99.9",
            "Keep monthly availability above the target",
            "Maintenir la disponibilité mensuelle au-dessus de l'objectif",
            "%",
        ),
        _down(
            "4",
            "1",
            "Cut the mean time to recovery after an incident",
            "Réduire le temps moyen de rétablissement après un incident",
            "h",
        ),
        _down(
            "6",
            "2",
            "Lower major incidents per quarter",
            "Diminuer les incidents majeurs par trimestre",
            ("incidents", "incidents"),
        ),
        _up(
            "40",
            "100",
            "Raise the share of incidents followed by a blameless review",
            "Porter la part des incidents suivis d'une revue sans recherche de coupable",
            "%",
        ),
    ),
    _objective(
        "engineering-delivery",
        "Ship small, ship often, ship safely",
        "Livrer petit, livrer souvent, livrer sereinement",
        "Shorten the road from an idea in code to a change in customers' hands.",
        "Raccourcir le chemin entre une idée dans le code et un changement entre les mains "
        "des clients.",
        _up(
            "2",
            "10",
            "Raise production deployments per week",
            "Augmenter les déploiements en production par semaine",
            ("deploys", "déploiements"),
        ),
        _down(
            "10",
            "2",
            "Cut the lead time from commit to production",
            "Réduire le délai entre un commit et sa mise en production",
            "days",
        ),
        _ceiling(
            "18",
            "15",
            "Keep the change failure rate under the ceiling",
            "Maintenir le taux d'échec des changements sous le plafond",
            "%",
        ),
        _down(
            "45",
            "15",
            "Cut the duration of the continuous integration pipeline",
            "Réduire la durée du pipeline d'intégration continue",
            ("min", "min"),
        ),
    ),
    _objective(
        "engineering-code-quality",
        "Make our codebase a pleasure to work in",
        "Faire de notre code un plaisir à faire évoluer",
        "Pay down technical debt steadily and catch defects before customers do.",
        "Rembourser régulièrement la dette technique et détecter les défauts avant les clients.",
        _up(
            "55",
            "80",
            "Raise automated test coverage of critical modules",
            "Augmenter la couverture de tests automatisés des modules critiques",
            "%",
        ),
        _down(
            "120",
            "60",
            "Shrink the backlog of open bugs",
            "Réduire le stock d'anomalies ouvertes",
            ("bugs", "anomalies"),
        ),
        _down(
            "5",
            "1",
            "Lower the rate of flaky tests",
            "Réduire le taux de tests instables",
            "%",
        ),
        _band(
            "10",
            "20",
            "30",
            "Keep the share of time spent on technical debt within the agreed band",
            "Maintenir dans la fourchette convenue la part du temps consacrée à la dette technique",
            "%",
        ),
    ),
    _objective(
        "engineering-performance",
        "Make the product feel instant",
        "Donner au produit une sensation d'instantanéité",
        "Remove the waits users notice, from the server to the screen.",
        "Supprimer les attentes que les utilisateurs remarquent, du serveur jusqu'à l'écran.",
        _down(
            "800",
            "300",
            "Cut the p95 response time of the API",
            "Réduire le temps de réponse de l'API au 95e centile",
            ("ms", "ms"),
        ),
        _down(
            "3.5",
            "2",
            "Cut the largest contentful paint of key pages",
            "Réduire le temps d'affichage du plus grand élément des pages clés",
            ("s", "s"),
        ),
        _ceiling(
            "0.8",
            "0.5",
            "Keep the server error rate under the ceiling",
            "Maintenir le taux d'erreurs serveur sous le plafond",
            "%",
        ),
        _band(
            "85",
            "40",
            "70",
            "Keep average CPU usage of the cluster within the target band",
            "Maintenir l'usage moyen du processeur du cluster dans la plage visée",
            "%",
        ),
    ),
    _objective(
        "engineering-developer-experience",
        "Give engineers the tools to do their best work",
        "Donner aux ingénieurs les outils pour donner le meilleur d'eux-mêmes",
        "Remove the daily friction that slows engineers down and wears them out.",
        "Supprimer les frictions quotidiennes qui ralentissent et usent les ingénieurs.",
        _down(
            "16",
            "2",
            "Cut the time to set up a working development environment",
            "Réduire le temps d'installation d'un environnement de développement fonctionnel",
            "h",
        ),
        _down(
            "24",
            "4",
            "Cut the median wait for a first code review",
            "Réduire l'attente médiane avant une première revue de code",
            "h",
        ),
        _up(
            "60",
            "80",
            "Raise developer satisfaction in the internal survey",
            "Améliorer la satisfaction des développeurs dans l'enquête interne",
            "%",
        ),
        _milestone(
            "Open an internal developer portal",
            "Mettre en ligne un portail interne pour les développeurs",
        ),
    ),
)

_FINANCE = (
    _objective(
        "finance-cash",
        "Put the company on a solid financial footing",
        "Asseoir l'entreprise sur des bases financières solides",
        "Give ourselves the time and the means to carry out our strategy calmly.",
        "Nous donner le temps et les moyens de mener notre stratégie avec sérénité.",
        _up(
            "12",
            "18",
            "Extend the cash runway",
            "Allonger l'horizon de trésorerie",
            ("months", "mois"),
        ),
        _down(
            "300000",
            "200000",
            "Lower the monthly net burn",
            "Réduire la consommation nette de trésorerie mensuelle",
            "EUR",
        ),
        _floor(
            "1400000",
            "1000000",
            "Keep the cash balance above the safety floor",
            "Maintenir la trésorerie au-dessus du seuil de sécurité",
            "EUR",
        ),
        _milestone(
            "Secure a committed credit line",
            "Obtenir une ligne de crédit confirmée",
        ),
    ),
    _objective(
        "finance-collections",
        "Get paid on time, every time",
        "Être payé à temps, à chaque fois",
        "Make invoicing and collection smooth for customers and dependable for us.",
        "Rendre la facturation et le recouvrement fluides pour les clients et fiables pour nous.",
        _down(
            "55",
            "40",
            "Cut days sales outstanding",
            "Réduire le délai moyen de paiement des clients (DSO)",
            "days",
        ),
        _down(
            "150000",
            "50000",
            "Shrink receivables overdue by more than sixty days",
            "Réduire les créances échues depuis plus de soixante jours",
            "EUR",
        ),
        _up(
            "50",
            "85",
            "Raise the share of customers paying by direct debit or card",
            "Accroître la part des clients payant par prélèvement ou par carte",
            "%",
        ),
        _ceiling(
            "1.4",
            "1",
            "Keep bad debt as a share of revenue under the ceiling",
            "Maintenir les créances irrécouvrables rapportées au chiffre d'affaires sous le "
            "plafond",
            "%",
        ),
    ),
    _objective(
        "finance-close",
        "Close the books fast and with confidence",
        "Clôturer les comptes vite et en toute confiance",
        "Produce accurate accounts quickly, with less manual work at every close.",
        "Produire rapidement des comptes exacts, avec moins de travail manuel à chaque clôture.",
        _down(
            "12",
            "5",
            "Cut the duration of the monthly close",
            "Réduire la durée de la clôture mensuelle",
            "days",
        ),
        _down(
            "30",
            "5",
            "Lower manual adjusting entries per close",
            "Diminuer les écritures d'ajustement manuelles par clôture",
            ("entries", "écritures"),
        ),
        _up(
            "40",
            "90",
            "Raise the share of bank transactions reconciled automatically",
            "Augmenter la part des opérations bancaires rapprochées automatiquement",
            "%",
        ),
        _milestone(
            "Obtain an unqualified audit opinion",
            "Obtenir une certification des comptes sans réserve",
        ),
    ),
    _objective(
        "finance-planning",
        "Inform every decision with numbers we trust",
        "Éclairer chaque décision par des chiffres fiables",
        "Give leaders forecasts and reports that are timely, accurate and easy to read.",
        "Donner aux responsables des prévisions et des tableaux de bord à jour, exacts et "
        "faciles à lire.",
        _band(
            "88",
            "95",
            "105",
            "Keep actual revenue within the band around the forecast",
            "Maintenir le chiffre d'affaires réel dans la fourchette autour de la prévision",
            ("% of forecast", "% de la prévision"),
        ),
        _down(
            "15",
            "3",
            "Cut the time to deliver the monthly management report",
            "Réduire le délai de production du reporting mensuel de gestion",
            "days",
        ),
        _up(
            "30",
            "100",
            "Raise the share of budget owners with a live budget dashboard",
            "Porter la part des responsables budgétaires disposant d'un tableau de bord à jour",
            "%",
        ),
        _milestone(
            "Adopt a rolling quarterly forecast",
            "Adopter une prévision glissante trimestrielle",
        ),
    ),
    _objective(
        "finance-spend",
        "Spend every euro where it creates the most value",
        "Dépenser chaque euro là où il crée le plus de valeur",
        "Keep spending under control without slowing the teams down.",
        "Maîtriser les dépenses sans ralentir les équipes.",
        _down(
            "95000",
            "75000",
            "Lower monthly software subscription spend",
            "Réduire les dépenses mensuelles d'abonnements logiciels",
            "EUR",
        ),
        _up(
            "50",
            "90",
            "Raise the share of spend going through approved purchase orders",
            "Augmenter la part des dépenses passant par des bons de commande approuvés",
            "%",
        ),
        _ceiling(
            "6",
            "3",
            "Keep departmental budget overruns under the ceiling",
            "Maintenir les dépassements budgétaires des services sous le plafond",
            "%",
        ),
        _down(
            "10",
            "3",
            "Cut the time to reimburse expense reports",
            "Réduire le délai de remboursement des notes de frais",
            "days",
        ),
    ),
)

_OPERATIONS = (
    _objective(
        "operations-processes",
        "Make the way we work simple and dependable",
        "Rendre notre façon de travailler simple et fiable",
        "Document, simplify and automate the processes everyone relies on.",
        "Documenter, simplifier et automatiser les processus sur lesquels tout le monde s'appuie.",
        _up(
            "10",
            "40",
            "Document key processes with a named owner",
            "Documenter des processus clés avec un responsable désigné",
            ("processes", "processus"),
        ),
        _up(
            "20",
            "60",
            "Raise the share of recurring tasks that are automated",
            "Accroître la part des tâches récurrentes automatisées",
            "%",
        ),
        _down(
            "8",
            "3",
            "Cut the time to handle an internal request",
            "Réduire le délai de traitement d'une demande interne",
            "days",
        ),
        _floor(
            "86",
            "90",
            "Keep internal customer satisfaction above the floor",
            "Maintenir la satisfaction des clients internes au-dessus du plancher",
            "%",
        ),
    ),
    _objective(
        "operations-fulfilment",
        "Deliver every order right and on time",
        "Livrer chaque commande juste et à l'heure",
        "Make every step from order to delivery reliable, fast and lean on stock.",
        "Rendre chaque étape de la commande à la livraison fiable, rapide et sobre en stock.",
        _up(
            "88",
            "97",
            "Raise the on-time delivery rate",
            "Améliorer le taux de livraison à l'heure",
            "%",
        ),
        _ceiling(
            "1.8",
            "1",
            "Keep order errors under the ceiling",
            "Maintenir les erreurs de commande sous le plafond",
            "%",
        ),
        _down(
            "48",
            "24",
            "Cut the time from order to shipment",
            "Réduire le délai entre la commande et l'expédition",
            "h",
        ),
        _band(
            "60",
            "30",
            "45",
            "Keep inventory coverage within the target band",
            "Maintenir la couverture de stock dans la plage cible",
            "days",
        ),
    ),
    _objective(
        "operations-suppliers",
        "Build supplier partnerships we can rely on",
        "Bâtir des partenariats fournisseurs sur lesquels compter",
        "Work with fewer surprises, better terms and less dependence on any single supplier.",
        "Travailler avec moins de surprises, de meilleures conditions et moins de dépendance "
        "envers un fournisseur unique.",
        _floor(
            "91",
            "95",
            "Keep supplier on-time delivery above the floor",
            "Maintenir la ponctualité des fournisseurs au-dessus du plancher",
            "%",
        ),
        _down(
            "6",
            "2",
            "Lower the number of critical components with a single source",
            "Réduire le nombre de composants critiques à source unique",
            ("components", "composants"),
        ),
        _up(
            "0",
            "100",
            "Raise the share of strategic suppliers reviewed this year",
            "Porter la part des fournisseurs stratégiques évalués cette année",
            "%",
        ),
        _up(
            "0",
            "150000",
            "Negotiate savings on renewed contracts",
            "Obtenir des économies sur les contrats renouvelés",
            "EUR",
        ),
    ),
    _objective(
        "operations-workplace",
        "Give our teams a workplace where they thrive",
        "Offrir à nos équipes un cadre de travail où s'épanouir",
        "Provide offices, equipment and IT support that simply work.",
        "Fournir des locaux, des équipements et un support informatique qui fonctionnent, "
        "tout simplement.",
        _up(
            "65",
            "85",
            "Raise employee satisfaction with offices and tools",
            "Améliorer la satisfaction des salariés à l'égard des locaux et des outils",
            "%",
        ),
        _down(
            "16",
            "4",
            "Cut the time to resolve IT helpdesk requests",
            "Réduire le délai de résolution des demandes au support informatique",
            "h",
        ),
        _up(
            "60",
            "100",
            "Raise the share of newcomers fully equipped on their first day",
            "Porter la part des nouveaux arrivants entièrement équipés dès leur premier jour",
            "%",
        ),
        _milestone(
            "Complete the office move without losing a working day",
            "Réussir le déménagement des bureaux sans perdre une journée de travail",
        ),
    ),
    _objective(
        "operations-sustainability",
        "Shrink our environmental footprint year after year",
        "Réduire notre empreinte environnementale année après année",
        "Measure our impact honestly and cut it where it matters most.",
        "Mesurer honnêtement notre impact et le réduire là où cela compte le plus.",
        _down(
            "420",
            "340",
            "Lower annual greenhouse gas emissions",
            "Diminuer les émissions annuelles de gaz à effet de serre",
            ("t CO2e", "t CO2e"),
        ),
        _up(
            "30",
            "70",
            "Raise the share of electricity from renewable sources",
            "Accroître la part d'électricité d'origine renouvelable",
            "%",
        ),
        _down(
            "40",
            "20",
            "Lower the share of business trips taken by plane",
            "Réduire la part des déplacements professionnels effectués en avion",
            "%",
        ),
        _milestone(
            "Publish our first carbon footprint report",
            "Publier notre premier bilan carbone",
        ),
    ),
)

_DATA = (
    _objective(
        "data-self-service",
        "Put trustworthy data in everyone's hands",
        "Mettre des données fiables entre toutes les mains",
        "Let every team answer its own questions without waiting for an analyst.",
        "Permettre à chaque équipe de répondre à ses propres questions sans attendre un analyste.",
        _up(
            "20",
            "60",
            "Raise the share of employees using dashboards every week",
            "Augmenter la part des salariés qui consultent les tableaux de bord chaque semaine",
            "%",
        ),
        _down(
            "5",
            "1",
            "Cut the turnaround of an ad hoc data request",
            "Réduire le délai de réponse à une demande de données ponctuelle",
            "days",
        ),
        _up(
            "10",
            "40",
            "Publish documented datasets in the catalogue",
            "Publier des jeux de données documentés dans le catalogue",
            ("datasets", "jeux"),
        ),
        _milestone(
            "Launch the company metrics glossary",
            "Lancer le glossaire des indicateurs de l'entreprise",
        ),
    ),
    _objective(
        "data-quality",
        "Make our data something we can bet on",
        "Faire de nos données une base sur laquelle miser",
        "Catch data problems before they reach a dashboard or a decision.",
        "Détecter les problèmes de données avant qu'ils n'atteignent un tableau de bord ou "
        "une décision.",
        _floor(
            "96",
            "99",
            "Keep the success rate of data pipeline runs above the floor",
            "Maintenir le taux de succès des traitements de données au-dessus du plancher",
            "%",
        ),
        _down(
            "12",
            "2",
            "Lower data incidents that reach a dashboard",
            "Réduire les incidents de données visibles dans un tableau de bord",
            ("incidents", "incidents"),
        ),
        _up(
            "10",
            "80",
            "Raise the share of key tables covered by automated quality checks",
            "Accroître la part des tables clés couvertes par des contrôles qualité automatiques",
            "%",
        ),
        _ceiling(
            "6",
            "2",
            "Keep the data delay of key tables under the ceiling",
            "Maintenir le retard des données des tables clés sous le plafond",
            "h",
        ),
    ),
    _objective(
        "data-experimentation",
        "Let experiments settle our debates",
        "Laisser les expériences trancher nos débats",
        "Make testing ideas with real users the normal way we decide.",
        "Faire du test des idées auprès de vrais utilisateurs notre façon habituelle de décider.",
        _up(
            "2",
            "8",
            "Run product experiments per quarter",
            "Mener des expérimentations produit par trimestre",
            ("experiments", "expériences"),
        ),
        _up(
            "20",
            "70",
            "Raise the share of launches with a defined success metric",
            "Augmenter la part des lancements dotés d'un indicateur de succès défini",
            "%",
        ),
        _down(
            "21",
            "10",
            "Cut the time to read the result of an experiment",
            "Réduire le délai d'obtention du résultat d'une expérimentation",
            "days",
        ),
        _milestone(
            "Put an experimentation platform into service",
            "Mettre en service une plateforme d'expérimentation",
        ),
    ),
    _objective(
        "data-platform",
        "Build a data platform that scales with us",
        "Bâtir une plateforme de données qui grandit avec nous",
        "Keep the platform fast, affordable and easy to change as volumes grow.",
        "Garder la plateforme rapide, abordable et facile à faire évoluer à mesure que les "
        "volumes augmentent.",
        _down(
            "18000",
            "12000",
            "Lower monthly data warehouse costs",
            "Réduire les coûts mensuels de l'entrepôt de données",
            "EUR",
        ),
        _down(
            "20",
            "5",
            "Cut the median query time of dashboards",
            "Réduire le temps médian de requête des tableaux de bord",
            ("s", "s"),
        ),
        _up(
            "30",
            "100",
            "Raise the share of pipelines managed as code",
            "Porter la part des traitements gérés sous forme de code",
            "%",
        ),
    ),
    _objective(
        "data-machine-learning",
        "Turn our data into features customers value",
        "Transformer nos données en fonctionnalités utiles aux clients",
        "Bring useful predictions into the product, responsibly and measurably.",
        "Intégrer au produit des prédictions utiles, de manière responsable et mesurable.",
        _up(
            "0",
            "2",
            "Put predictive models into production",
            "Mettre des modèles prédictifs en production",
            ("models", "modèles"),
        ),
        _up(
            "70",
            "85",
            "Raise the precision of the churn prediction model",
            "Améliorer la précision du modèle de prédiction de l'attrition",
            "%",
        ),
        _down(
            "30",
            "7",
            "Cut the time from trained model to production",
            "Réduire le délai entre un modèle entraîné et sa mise en production",
            "days",
        ),
        _up(
            "0",
            "25",
            "Raise the share of active users interacting with a recommendation",
            "Augmenter la part des utilisateurs actifs qui interagissent avec une recommandation",
            "%",
        ),
    ),
)

_SECURITY = (
    _objective(
        "security-vulnerabilities",
        "Close the doors before anyone knocks",
        "Fermer les portes avant que quiconque ne frappe",
        "Find and fix weaknesses in our systems before attackers do.",
        "Trouver et corriger les failles de nos systèmes avant les attaquants.",
        _down(
            "30",
            "7",
            "Cut the time to patch critical vulnerabilities",
            "Réduire le délai de correction des vulnérabilités critiques",
            "days",
        ),
        _down(
            "25",
            "5",
            "Lower open high-severity vulnerabilities",
            "Réduire les vulnérabilités de gravité élevée encore ouvertes",
            ("vulnerabilities", "vulnérabilités"),
        ),
        _up(
            "40",
            "100",
            "Raise the share of repositories with automated dependency scanning",
            "Porter la part des dépôts dotés d'une analyse automatique des dépendances",
            "%",
        ),
        _milestone(
            "Complete an external penetration test and fix its critical findings",
            "Réaliser un test d'intrusion externe et corriger ses constats critiques",
        ),
    ),
    _objective(
        "security-identity-access",
        "Make sure only the right people get in",
        "S'assurer que seules les bonnes personnes entrent",
        "Give everyone the access they need, no more, and take it back on time.",
        "Donner à chacun les accès dont il a besoin, pas plus, et les retirer à temps.",
        _up(
            "60",
            "100",
            "Raise multi-factor authentication coverage of staff accounts",
            "Porter la couverture des comptes du personnel par l'authentification multifacteur",
            "%",
        ),
        _up(
            "30",
            "90",
            "Raise the share of applications behind single sign-on",
            "Accroître la part des applications derrière l'authentification unique",
            "%",
        ),
        _down(
            "72",
            "4",
            "Cut the time to remove access after someone leaves",
            "Réduire le délai de retrait des accès après un départ",
            "h",
        ),
        _floor(
            "70",
            "95",
            "Keep the share of quarterly access reviews completed above the floor",
            "Maintenir au-dessus du plancher la part des revues d'accès trimestrielles réalisées",
            "%",
        ),
    ),
    _objective(
        "security-awareness",
        "Make every colleague a line of defence",
        "Faire de chaque collègue une ligne de défense",
        "Help everyone recognise and report attacks instead of falling for them.",
        "Aider chacun à reconnaître et signaler les attaques plutôt qu'à s'y laisser prendre.",
        _up(
            "50",
            "95",
            "Raise completion of security awareness training",
            "Augmenter le taux de suivi de la sensibilisation à la sécurité",
            "%",
        ),
        _down(
            "20",
            "5",
            "Lower the click rate in phishing simulations",
            "Réduire le taux de clic lors des simulations d'hameçonnage",
            "%",
        ),
        _up(
            "10",
            "40",
            "Raise the share of simulated phishing emails that get reported",
            "Accroître la part des courriels d'hameçonnage simulés qui sont signalés",
            "%",
        ),
    ),
    _objective(
        "security-certification",
        "Earn the trust of our most demanding customers",
        "Gagner la confiance de nos clients les plus exigeants",
        "Prove, with a recognised standard, that security is built into how we work.",
        "Prouver, par une norme reconnue, que la sécurité fait partie de notre façon de "
        "travailler.",
        _milestone(
            "Obtain the ISO 27001 certification",
            "Obtenir la certification ISO 27001",
        ),
        _up(
            "40",
            "100",
            "Raise the share of required controls implemented with evidence",
            "Porter la part des contrôles requis mis en œuvre et documentés",
            "%",
        ),
        _down(
            "10",
            "3",
            "Cut the time to answer a customer security questionnaire",
            "Réduire le délai de réponse à un questionnaire de sécurité client",
            "days",
        ),
    ),
    _objective(
        "security-detection",
        "Spot and stop threats before they do harm",
        "Repérer et stopper les menaces avant qu'elles ne nuisent",
        "See what happens on our systems and react quickly when something is wrong.",
        "Voir ce qui se passe sur nos systèmes et réagir vite quand quelque chose cloche.",
        _down(
            "72",
            "4",
            "Cut the mean time to detect a security incident",
            "Réduire le délai moyen de détection d'un incident de sécurité",
            "h",
        ),
        _up(
            "50",
            "95",
            "Raise the share of critical systems sending logs to central monitoring",
            "Porter la part des systèmes critiques qui envoient leurs journaux à la "
            "supervision centrale",
            "%",
        ),
        _ceiling(
            "35",
            "20",
            "Keep the share of false-positive alerts under the ceiling",
            "Maintenir la part des fausses alertes sous le plafond",
            "%",
        ),
        _up(
            "0",
            "4",
            "Run incident response exercises",
            "Conduire des exercices de réponse aux incidents",
            ("exercises", "exercices"),
        ),
    ),
)

_LEGAL = (
    _objective(
        "legal-contracts",
        "Make contracting a competitive advantage",
        "Faire de la contractualisation un avantage concurrentiel",
        "Sign good contracts quickly, so that legal speeds deals up instead of slowing them.",
        "Signer vite de bons contrats, pour que le juridique accélère les ventes au lieu de "
        "les freiner.",
        _down(
            "14",
            "5",
            "Cut the turnaround of standard contract reviews",
            "Réduire le délai de relecture des contrats standards",
            "days",
        ),
        _up(
            "40",
            "80",
            "Raise the share of deals signed on our own template",
            "Augmenter la part des contrats signés sur notre propre modèle",
            "%",
        ),
        _down(
            "50",
            "20",
            "Lower the share of contracts that need escalation to legal",
            "Réduire la part des contrats nécessitant une escalade au juridique",
            "%",
        ),
        _milestone(
            "Publish a self-service contract playbook for sales",
            "Publier un guide contractuel en libre-service pour les ventes",
        ),
    ),
    _objective(
        "legal-privacy",
        "Treat personal data with the care we expect for our own",
        "Traiter les données personnelles avec le soin que nous attendons pour les nôtres",
        "Know what personal data we hold, why we hold it, and respect people's rights over it.",
        "Savoir quelles données personnelles nous détenons et pourquoi, et respecter les "
        "droits des personnes sur celles-ci.",
        _up(
            "50",
            "100",
            "Raise the share of processing activities recorded in the register",
            "Porter la part des traitements inscrits au registre",
            "%",
        ),
        _down(
            "30",
            "10",
            "Cut the time to answer data subject requests",
            "Réduire le délai de réponse aux demandes d'exercice des droits",
            "days",
        ),
        _up(
            "20",
            "100",
            "Raise the share of processors with a signed data processing agreement",
            "Porter la part des sous-traitants ayant signé un accord de traitement des données",
            "%",
        ),
        _milestone(
            "Complete an impact assessment for the analytics platform",
            "Réaliser une analyse d'impact pour la plateforme d'analyse",
        ),
    ),
    _objective(
        "legal-compliance",
        "Stay ahead of the rules that govern our business",
        "Garder une longueur d'avance sur les règles qui encadrent notre activité",
        "Anticipate regulatory change and keep our house in order.",
        "Anticiper les évolutions réglementaires et tenir notre maison en ordre.",
        _up(
            "60",
            "100",
            "Raise completion of mandatory compliance training",
            "Augmenter le suivi des formations obligatoires à la conformité",
            "%",
        ),
        _down(
            "8",
            "2",
            "Lower open audit findings",
            "Réduire les constats d'audit encore ouverts",
            ("findings", "constats"),
        ),
        _up(
            "4",
            "12",
            "Review and approve company policies",
            "Réviser et valider les politiques internes",
            ("policies", "politiques"),
        ),
        _milestone(
            "Map our obligations under the upcoming regulation",
            "Cartographier nos obligations au titre de la réglementation à venir",
        ),
    ),
    _objective(
        "legal-intellectual-property",
        "Protect what makes us unique",
        "Protéger ce qui nous rend uniques",
        "Secure our brand, our code and our ideas, and use others' work lawfully.",
        "Sécuriser notre marque, notre code et nos idées, et utiliser le travail des autres "
        "en toute légalité.",
        _up(
            "2",
            "6",
            "Register trademarks in our key markets",
            "Déposer nos marques sur nos marchés clés",
            ("trademarks", "marques"),
        ),
        _up(
            "60",
            "100",
            "Raise the share of contributors with a signed IP assignment",
            "Porter la part des contributeurs ayant signé une cession de propriété intellectuelle",
            "%",
        ),
        _up(
            "50",
            "100",
            "Raise the share of dependencies whose open-source licence was reviewed",
            "Porter la part des dépendances dont la licence libre a été vérifiée",
            "%",
        ),
        _milestone(
            "Adopt an open-source contribution policy",
            "Adopter une politique de contribution aux logiciels libres",
        ),
    ),
    _objective(
        "legal-risk",
        "Turn legal risk into informed decisions",
        "Transformer le risque juridique en décisions éclairées",
        "Make legal risks visible early and settle disputes before they grow.",
        "Rendre les risques juridiques visibles tôt et régler les litiges avant qu'ils ne "
        "grossissent.",
        _up(
            "0",
            "20",
            "Assess the main legal risks in a shared register",
            "Évaluer les principaux risques juridiques dans un registre partagé",
            ("risks", "risques"),
        ),
        _down(
            "5",
            "2",
            "Lower open customer disputes",
            "Réduire les litiges clients en cours",
            ("disputes", "litiges"),
        ),
        _ceiling(
            "65000",
            "50000",
            "Keep quarterly external counsel fees under the budget",
            "Maintenir les honoraires trimestriels d'avocats externes sous le budget",
            "EUR",
        ),
        _down(
            "5",
            "2",
            "Cut the time to answer internal legal questions",
            "Réduire le délai de réponse aux questions juridiques internes",
            "days",
        ),
    ),
)

_DESIGN = (
    _objective(
        "design-system",
        "Give the product one consistent and recognisable look",
        "Donner au produit une apparence cohérente et reconnaissable",
        "Build and spread a shared design system that makes every screen feel like ours.",
        "Bâtir et diffuser un système de design commun qui rend chaque écran reconnaissable.",
        _up(
            "30",
            "90",
            "Raise the share of screens built from design system components",
            "Augmenter la part des écrans construits avec les composants du système de design",
            "%",
        ),
        _up(
            "20",
            "60",
            "Grow the number of documented components in the library",
            "Enrichir la bibliothèque de composants documentés",
            ("components", "composants"),
        ),
        _down(
            "25",
            "5",
            "Lower visual inconsistencies found in the interface audit",
            "Réduire les incohérences visuelles relevées lors de l'audit de l'interface",
            ("issues", "écarts"),
        ),
        _milestone(
            "Publish the design system documentation site",
            "Publier le site de documentation du système de design",
        ),
    ),
    _objective(
        "design-usability",
        "Make the product effortless to use",
        "Rendre le produit d'une simplicité évidente",
        "Remove confusion from the paths our users take most often.",
        "Supprimer la confusion des parcours que nos utilisateurs empruntent le plus souvent.",
        _up(
            "68",
            "80",
            "Raise the System Usability Scale score",
            "Relever le score d'utilisabilité (échelle SUS)",
            ("points", "points"),
        ),
        _up(
            "70",
            "90",
            "Raise the task success rate in usability tests",
            "Améliorer le taux de réussite des tâches lors des tests d'utilisabilité",
            "%",
        ),
        _up(
            "2",
            "6",
            "Run rounds of usability testing per quarter",
            "Mener des séries de tests d'utilisabilité par trimestre",
            ("rounds", "séries"),
        ),
        _down(
            "6",
            "3",
            "Cut the time to complete a key task",
            "Réduire le temps nécessaire pour accomplir une tâche clé",
            ("min", "min"),
        ),
    ),
    _objective(
        "design-accessibility",
        "Make the product usable by everyone",
        "Rendre le produit utilisable par tous",
        "Remove the barriers that keep people with disabilities from using the product.",
        "Lever les obstacles qui empêchent les personnes en situation de handicap d'utiliser "
        "le produit.",
        _up(
            "60",
            "100",
            "Raise the share of key pages meeting WCAG level AA",
            "Porter la part des pages clés conformes au niveau AA des WCAG",
            "%",
        ),
        _down(
            "40",
            "5",
            "Lower open accessibility issues",
            "Réduire les anomalies d'accessibilité ouvertes",
            ("issues", "anomalies"),
        ),
        _up(
            "0",
            "4",
            "Hold test sessions with users of assistive technologies",
            "Tenir des sessions de test avec des utilisateurs de technologies d'assistance",
            ("sessions", "sessions"),
        ),
        _milestone(
            "Publish our accessibility statement",
            "Publier notre déclaration d'accessibilité",
        ),
    ),
    _objective(
        "design-research",
        "Ground every design decision in real user insight",
        "Fonder chaque décision de design sur une vraie connaissance des utilisateurs",
        "Make research a steady habit whose findings the whole company can use.",
        "Faire de la recherche une habitude régulière dont toute l'entreprise peut exploiter "
        "les résultats.",
        _up(
            "0",
            "4",
            "Validate user personas through research",
            "Valider des personas à partir de recherches",
            ("personas", "personas"),
        ),
        _up(
            "50",
            "200",
            "Grow the panel of users ready to take part in research",
            "Élargir le panel d'utilisateurs prêts à participer aux études",
            ("users", "utilisateurs"),
        ),
        _down(
            "15",
            "5",
            "Cut the time from research question to shared findings",
            "Réduire le délai entre une question de recherche et la restitution des résultats",
            "days",
        ),
        _milestone(
            "Open a searchable research repository",
            "Ouvrir un référentiel de recherche consultable",
        ),
    ),
    _objective(
        "design-collaboration",
        "Make design and engineering one team",
        "Faire du design et de l'ingénierie une seule équipe",
        "Work together from the first sketch to the release, with fewer hand-offs.",
        "Travailler ensemble de la première esquisse à la mise en production, avec moins de "
        "passages de relais.",
        _down(
            "5",
            "2",
            "Cut the back-and-forth rounds between design and development per feature",
            "Réduire les allers-retours entre design et développement par fonctionnalité",
            ("rounds", "allers-retours"),
        ),
        _up(
            "30",
            "90",
            "Raise the share of features reviewed by design before release",
            "Porter la part des fonctionnalités relues par le design avant leur sortie",
            "%",
        ),
        _floor(
            "72",
            "80",
            "Keep engineers' satisfaction with design hand-offs above the floor",
            "Maintenir au-dessus du plancher la satisfaction des ingénieurs vis-à-vis des "
            "livrables de design",
            "%",
        ),
    ),
)

TEMPLATES: tuple[ObjectiveTemplate, ...] = (
    *_MARKETING,
    *_SALES,
    *_HR,
    *_PRODUCT,
    *_CUSTOMER_SERVICE,
    *_ENGINEERING,
    *_FINANCE,
    *_OPERATIONS,
    *_DATA,
    *_SECURITY,
    *_LEGAL,
    *_DESIGN,
)

_BY_KEY: dict[str, ObjectiveTemplate] = {template.key: template for template in TEMPLATES}


def get(key: str) -> ObjectiveTemplate | None:
    """The template with this key, or None."""
    return _BY_KEY.get(key)


def by_function(language: str, query: str = "") -> list[tuple[str, list[ObjectiveTemplate]]]:
    """Templates grouped by function, in `FUNCTIONS` order, each group headed by the
    function's name in `language`; with a `query`, only those `search` finds. Functions
    without templates are left out."""
    index = 1 if _is_french(language) else 0
    found = search(query, language) if query.strip() else TEMPLATES
    groups: list[tuple[str, list[ObjectiveTemplate]]] = []
    for function, names in FUNCTIONS.items():
        members = [template for template in found if template.function == function]
        if members:
            groups.append((names[index], members))
    return groups


def _fold(text: str) -> str:
    """Lower-case `text` and strip its accents, so that "Équipe" matches "equipe"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _haystack(template: ObjectiveTemplate, language: str) -> str:
    parts = [template.title(language), template.description(language)]
    parts.extend(kr.title(language) for kr in template.key_results)
    return _fold("\n".join(parts))


def search(query: str, language: str) -> list[ObjectiveTemplate]:
    """Templates whose title, description or KR titles in `language` contain every word
    of `query`, ignoring case and accents, in library order. A blank query matches all."""
    words = _fold(query).split()
    return [
        template
        for template in TEMPLATES
        if all(word in _haystack(template, language) for word in words)
    ]
