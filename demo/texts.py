"""The long texts of the printed programme (Montpellier, 7 December 2023), as printed.

Kept word for word, typos included ("tirés au sorts", "l‘année", "cette année, renforce"):
``tests/events/test_demo.py`` compares each with ``../shared/seed/``. Paragraphs are separated
by a blank line and bullets start with "- ", as the site renders them (``events.typography``).
"""

TOUR_INTRO = (
    "Lancé en 2015 par le réseau des Interconnectés, l’IntercoTOUR est un événement national "
    "itinérant qui propose une rencontre thématique mensuelle. Chaque journée réunit expertise et "
    "bonnes pratiques sur les thèmes clés du numérique et met en valeur la richesse des "
    "initiatives des collectivités françaises.\n\nL'intercoTOUR propose une journée expert par "
    "mois en région entre juin 2023 et février 2024. Le format renouvelé cette année, renforce "
    "également les temps d'interaction et de travail collectif.\n\nL'ensemble de ces travaux "
    'contribue à mettre en action les principes et axes stratégiques affirmés dans le "Manifeste '
    'pour des territoires numériques responsables" adopté par les élus de la commission numérique '
    "en 2021."
)

MANIFESTO = (
    "Le numérique s’est imposé comme un outil indispensable à la vie quotidienne. Cette "
    "généralisation des usages du numérique a des impacts majeurs qui doivent être pleinement "
    "pris en compte par les décideurs publics. Conscientes de l’importance de l’action locale "
    "pour faire face à ces défis, les collectivités réunies au sein de la commission numérique "
    "commune à l’AdCF, France urbaine et Les Interconnectés s’engagent. Elles affirment leur "
    "volonté de construire et porter avec les acteurs des territoires une transformation "
    "numérique ambitieuse, socialement et écologiquement durable.\n\nArticulé autour de trois "
    "ambitions et de neuf engagements le présent manifeste invite les collectivités à adopter le "
    "numérique durable comme modèle commun de conduite de leurs stratégies numériques. Il ne fixe "
    "pas d’objectifs quantitatifs qui s’imposeraient aux territoires, mais pose les jalons d’un "
    "parcours inspirant respectueux des spécificités territoriales. Il appelle à une prise en "
    "compte large des enjeux du numérique durable avec les plans structurels existants et la "
    "constitution d’indicateurs et de méthodes partagés entre collectivités et l’État afin "
    "d’articuler l’action locale avec les stratégies nationales en cours de définition.\n\nCe "
    "manifeste est le fruit d’un travail collectif engagé par les élus territoriaux réunis au "
    "sein de la commission numérique de l’AdCF, France urbaine et des Interconnectés, et des "
    "débats du Forum interconnectés des 17 et 18 mars 2021."
)

HIGHLIGHTS = (
    "Le 6 juillet 2023, dans le cadre de la journée « Les données et l’IA au service des "
    "politiques publiques des territoires » organisée au Hub des territoires, à Paris, Les "
    "Interconnectés, France urbaine et Intercommunalités de France ont dévoilé le plan d’action "
    "national d’observation des usages de l’Intelligence artificielle (IA) dans les territoires, "
    "intitulé Les intelligences associées des territoires.\n\nSi les associations d’élus "
    "s’engagent aujourd’hui, c’est parce que l’IA est un enjeu hautement politique tant pour les "
    "collectivités que pour les citoyens. La création d’un espace d’observation des impacts de "
    "l’IA et de décision pour les acteurs publics devient indispensable.\n\nUn plan d’action sur "
    "3 ans et 3 axes stratégiques :\n- L’IA au service des politiques publiques : l’objectif est "
    "de partager entre collectivités des dispositifs qui favorisent la conduite des politiques "
    "publiques, via le déploiement d’une « bibliothèque d’IA territorialisées » d’ici la fin de "
    "l‘année 2023, et l’animation d’une communauté d’acteurs ;\n- L’IA et la vie publique : les "
    "transformations profondes générées par le déploiement de l’IA dans la vie quotidienne et "
    "dans l’espace public ont un impact sociétal fort et portent des risques en matière de "
    "respect de la vie privée. Il est important pour les acteurs publics d’organiser un débat "
    "démocratique direct et apaisé et de promouvoir une société civile du numérique ;\n- L’IA et "
    "la transformation des métiers de la fonction publique territoriale : l’objectif est "
    "d’identifier les impacts, d’encadrer les pratiques afin de s’assurer que l’humain reste au "
    "cœur du projet et d’accompagner les collectivités à adapter les métiers et les compétences "
    "des agents à cette nouvelle étape de la transition numérique."
)

METROPOLE = (
    "La Métropole de Montpellier est composée de 31 communes, pour un total de 500 000 habitants, "
    "avec la septième ville de France en son cœur : Montpellier. En 2022, le classement Arthur "
    "Lloyd a consacré Montpellier comme la commune de plus de 100 000 habitants la plus "
    "attractive de France. Fidèle à sa réputation de surdouée, Montpellier se distingue par sa "
    "proactivité sur le sujet de l’intelligence artificielle : La Métropole de Montpellier "
    "organise une convention citoyenne avec 40 usagers tirés au sorts pour déterminer les futurs "
    "usages de l’IA pour ses habitants et le territoire, ainsi qu’un accord inédit entre "
    "université et collectivités pour former les publics scolaires aux enjeux de l’intelligence "
    "artificielle."
)

ASSOCIATION = (
    "Créée en 2009, les Interconnectés est la première association nationale d’élus dédiée aux "
    "usages et innovations numériques au service des territoires. Interlocuteur de référence de "
    "l’État, l’association porte la voix des territoires avec ses fondateurs Intercommunalités de "
    "France et France urbaine et anime la Commission numérique des élus. Toute l’année, "
    "l’association accompagne les collectivités au travers de 8 rendez-vous nationaux et "
    "régionaux, le programme de formation Territoir’Prod et les Labels «Territoire innovant» et "
    "«start-up interconnectée»."
)
