"""Hand-written French geographic vocabulary that the INSEE data does not carry.

Region names come from `domain.regions`; this module only adds their variants, the
former regions and historical provinces, demonyms, and the cue words for a nationwide
item or for a local institution. Everything is written as in French text and folded
when the gazetteer is built.
"""
from __future__ import annotations

# Usual variants of the current region names (the official names come from domain.regions).
REGION_VARIANTS: dict[str, tuple[str, ...]] = {
    "FR-CVL": ("Centre-Val-de-Loire", "région Centre"),
    "FR-PAC": ("Région Sud", "Provence-Alpes-Côte-d'Azur"),
    "FR-973": ("Guyane française",),
    "FR-974": ("île de la Réunion",),
    "FR-IDF": ("région parisienne", "Grand Paris"),
}

# Acronyms, only read when written in capitals.
REGION_ACRONYMS: dict[str, str] = {
    "AURA": "FR-ARA", "BFC": "FR-BFC", "CVL": "FR-CVL", "IDF": "FR-IDF",
    "HDF": "FR-HDF", "PACA": "FR-PAC",
}

# Regions before the 2016 merger, and historical provinces still used in the press.
FORMER_REGIONS: dict[str, tuple[str, ...]] = {
    "FR-ARA": ("Auvergne", "Rhône-Alpes", "Dauphiné", "Beaujolais"),
    "FR-BFC": ("Bourgogne", "Franche-Comté", "Morvan"),
    "FR-CVL": ("Touraine", "Berry", "Sologne", "Beauce"),
    "FR-GES": ("Alsace", "Lorraine", "Champagne-Ardenne"),
    "FR-HDF": ("Nord-Pas-de-Calais", "Picardie", "Artois"),
    "FR-NOR": ("Basse-Normandie", "Haute-Normandie", "Cotentin", "Pays d'Auge", "Pays de Caux"),
    "FR-NAQ": ("Aquitaine", "Limousin", "Poitou-Charentes", "Poitou", "Pays basque", "Béarn", "Périgord"),
    "FR-OCC": ("Midi-Pyrénées", "Languedoc-Roussillon", "Languedoc", "Roussillon", "Cévennes", "Quercy"),
    "FR-PDL": ("Anjou",),
    "FR-PAC": ("Provence", "Côte d'Azur", "Camargue"),
}

# Names that stand for several regions at once.
REGION_GROUPS: dict[str, tuple[str, ...]] = {
    "Antilles": ("FR-971", "FR-972"),
    "Antilles françaises": ("FR-971", "FR-972"),
    "Antilles-Guyane": ("FR-971", "FR-972", "FR-973"),
}

# Names that must not be read as a French place, matched first so that they hide
# their parts ("Grande-Bretagne" is not Bretagne, "val de Loire" is not the Loire department).
NOT_PLACES: tuple[str, ...] = (
    "Grande-Bretagne", "val de Loire", "vallée de la Loire", "bords de Loire", "bords de la Loire",
    "Le Parisien", "Paris Match",
    "Amérique du Nord", "Afrique du Nord", "Corée du Nord", "mer du Nord", "pôle Nord",
    "Irlande du Nord", "Europe du Nord", "Europe de l'Est", "Pays-Bas", "Nouvelle-Calédonie",
    "Saint-Martin", "Saint-Barthélemy", "Saint-Pierre-et-Miquelon", "Polynésie française",
    "Wallis-et-Futuna", "Côte d'Ivoire", "somme toute",
)

# Masculine singular demonyms; feminine and plural forms are derived.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "FR-ARA": ("auvergnat", "rhônalpin", "savoyard", "haut-savoyard", "ardéchois", "drômois",
               "isérois", "cantalien", "lyonnais", "stéphanois", "grenoblois"),
    "FR-BFC": ("bourguignon", "franc-comtois", "icaunais", "nivernais", "dijonnais", "bisontin"),
    "FR-BRE": ("breton", "costarmoricain", "finistérien", "morbihannais", "brétillien",
               "rennais", "brestois"),
    "FR-CVL": ("berrichon", "solognot", "orléanais"),
    "FR-GES": ("alsacien", "lorrain", "champenois", "mosellan", "vosgien", "marnais",
               "strasbourgeois", "rémois", "messin", "mulhousien", "nancéien"),
    "FR-HDF": ("nordiste", "axonais", "isarien", "samarien", "lillois", "amiénois", "calaisien"),
    "FR-IDF": ("francilien", "parisien", "essonnien", "yvelinois", "valdoisien", "séquano-dionysien",
               "alto-séquanais", "val-de-marnais", "seine-et-marnais"),
    "FR-NOR": ("normand", "bas-normand", "haut-normand", "calvadosien", "manchois", "ornais",
               "eurois", "seinomarin", "havrais", "caennais", "rouennais"),
    "FR-NAQ": ("aquitain", "néo-aquitain", "limousin", "poitevin", "charentais", "landais",
               "girondin", "creusois", "corrézien", "périgourdin", "bordelais", "limougeaud",
               "rochelais", "palois", "bayonnais"),
    "FR-OCC": ("occitan", "languedocien", "ariégeois", "aveyronnais", "gersois", "lozérien",
               "héraultais", "gardois", "audois", "tarnais", "toulousain", "montpelliérain",
               "nîmois", "perpignanais"),
    "FR-PDL": ("vendéen", "sarthois", "mayennais", "nantais", "angevin"),
    "FR-PAC": ("provençal", "azuréen", "varois", "vauclusien", "marseillais", "niçois", "toulonnais"),
    "FR-COR": ("ajaccien", "bastiais"),
    "FR-971": ("guadeloupéen",),
    "FR-972": ("martiniquais",),
    "FR-973": ("guyanais",),
    "FR-974": ("réunionnais",),
    "FR-976": ("mahorais",),
}
# Irregular demonyms, all forms given.
DEMONYM_FORMS: dict[str, tuple[str, ...]] = {
    "FR-PDL": ("manceau", "manceaux", "mancelle", "mancelles"),
    "FR-CVL": ("tourangeau", "tourangeaux", "tourangelle", "tourangelles"),
}

# Cues that an item is nationwide, with their weight.
NATIONWIDE_CUES: dict[str, float] = {
    # scope
    "au niveau national": 2.5, "à l'échelle nationale": 2.5, "à l'échelon national": 2.5,
    "au plan national": 2.5, "sur le plan national": 2.5, "partout en France": 2.5,
    "dans toute la France": 2.5, "de toute la France": 2.0, "France entière": 2.5,
    "sur tout le territoire": 2.0, "sur l'ensemble du territoire": 2.0,
    "territoire national": 2.0, "toutes les régions": 2.5, "dans chaque région": 2.0,
    "plusieurs régions": 1.5, "tous les départements": 2.0, "dans chaque département": 2.0,
    "en France": 1.0, "France métropolitaine": 0.5, "l'Hexagone": 0.3, "les Français": 0.5,
    "national": 0.6, "nationale": 0.6, "nationaux": 0.6, "nationales": 0.6,
    # state and parliament
    "gouvernement": 1.5, "ministère": 1.5, "ministre": 1.5, "Élysée": 1.5, "Matignon": 1.5,
    "Assemblée nationale": 2.0, "Sénat": 1.5, "députés": 1.0, "sénateurs": 1.0,
    "projet de loi": 1.5, "proposition de loi": 1.5, "décret": 1.0, "l'État": 0.7,
    "PLFSS": 2.0, "Ségur": 1.0, "Sécurité sociale": 1.0, "Parcoursup": 1.0,
    # national bodies
    "Haute Autorité de santé": 1.5, "CNSA": 1.5, "DREES": 1.0, "Dares": 1.0,
    "OPCO Santé": 1.5, "France Travail": 0.7, "Pôle emploi": 0.7, "Assurance maladie": 0.5,
    "Fédération hospitalière de France": 0.5, "FEHAP": 1.0, "Nexem": 1.0, "Synerpa": 1.0,
    "Uniopss": 1.0, "Unapei": 1.0, "chaînes nationales": 1.5,
}

# Words that, just before a place name, mark a local institution ("CHU de Caen").
INSTITUTION_WORDS: frozenset[str] = frozenset({
    "chu", "chr", "chru", "ch", "ght", "hopital", "hopitaux", "clinique", "hospitalier",
    "ars", "sante", "region", "regional", "departement", "departemental", "general",
    "prefecture", "prefet", "ville", "mairie", "maire", "metropole", "agglomeration",
    "communes", "ifsi", "ifas", "irts", "universite", "cpam", "caf", "mdph", "ehpad",
})

# Words that, just before a place name, make it a street or a venue, not the place itself.
STREET_WORDS: frozenset[str] = frozenset({
    "rue", "avenue", "av", "boulevard", "bd", "place", "allee", "allees", "quai", "impasse",
    "chemin", "route", "cours", "square", "gare", "porte", "pont", "parvis", "esplanade",
    "faubourg", "residence",
})

# Department names that are also points of the compass: "Nord" is the department in
# "le Nord" or "Tourcoing (Nord)", a part of another name in "hôpital Nord Franche-Comté".
COMPASS_NAMES: frozenset[str] = frozenset({"nord"})

# Small words skipped when looking at what precedes a place name.
LINK_WORDS: frozenset[str] = frozenset({
    "de", "du", "des", "d", "la", "le", "les", "l", "en", "a", "au", "aux", "et",
})


def inflect(demonym: str) -> tuple[str, ...]:
    """Feminine and plural forms of a masculine singular demonym."""
    if demonym.endswith("e"):
        return (demonym, demonym + "s")
    for end, forms in (("en", ("en", "ens", "enne", "ennes")),
                       ("ais", ("ais", "aise", "aises")), ("ois", ("ois", "oise", "oises")),
                       ("on", ("on", "ons", "onne", "onnes")), ("al", ("al", "aux", "ale", "ales"))):
        if demonym.endswith(end):
            stem = demonym[: -len(end)]
            return tuple(stem + f for f in forms)
    return (demonym, demonym + "s", demonym + "e", demonym + "es")
