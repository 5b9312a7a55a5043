#!/usr/bin/env python3
"""Template grammar for Papote moderation training data (source "writer_a").

Python stdlib only, fixed seed, deterministic: running it twice writes the same
generated.jsonl. Every line has kind ending in "_tpl". No evasion (leet, spacing,
look-alike letters) is added here: the training command adds that later.
"""
import json
import pathlib
import random
import unicodedata

SEED = 20261201
OUT = pathlib.Path(__file__).resolve().parent / "generated.jsonl"
R = random.Random(SEED)

# ---------------------------------------------------------------- shared fillers
GREET = ["", "", "", "slt ", "wsh ", "cc ", "salut ", "yo ", "bonsoir ", "coucou ", "hey ", "allo ",
         "bon ", "dis moi ", "eh ", "ecoute ", "wesh "]
CITIES = ["Lille", "Roubaix", "Tourcoing", "Marseille", "Lyon", "Toulouse", "Nantes", "Bordeaux",
          "Rennes", "Strasbourg", "Nice", "Montpellier", "Grenoble", "Reims", "Le Havre", "Saint-Denis",
          "Bruxelles", "Liege", "Charleroi", "Namur", "Fort-de-France", "Pointe-a-Pitre", "Saint-Pierre",
          "Amiens", "Metz", "Nancy", "Dijon", "Brest", "Perpignan", "Toulon", "Lens", "Dunkerque",
          "Valenciennes", "Creil", "Aulnay", "Vitry", "Nimes", "Avignon", "Limoges", "Tours", "Angers",
          "Caen", "Rouen", "Clermont", "Besancon", "Mulhouse", "Orleans", "Cayenne", "Le Tampon", "Evry"]
APPS = ["snap", "insta", "whatsapp", "telegram", "discord", "tiktok", "signal", "wizz", "kik", "messenger"]
FIRST_F = ["Lea", "Ines", "Camille", "Manon", "Sarah", "Yasmine", "Chloe", "Jade", "Lina", "Emma",
           "Nadia", "Sandrine", "Julie", "Amandine", "Melissa", "Aurelie", "Fatou", "Oceane", "Marine", "Laetitia"]
FIRST_M = ["Kevin", "Mehdi", "Thomas", "Yanis", "Lucas", "Karim", "Julien", "Nicolas", "Moussa", "Jordan",
           "Bruno", "Sebastien", "Romain", "Hugo", "Bilal", "Anthony", "Cedric", "Loic", "Enzo", "Patrick"]
SURNAMES = ["Martin", "Bernard", "Dubois", "Lefebvre", "Moreau", "Benali", "Haddad", "Diallo", "Petit",
            "Roux", "Garnier", "Faure", "Lemoine", "Vasseur", "Delattre", "Caron", "Nguyen", "Da Silva",
            "Mercier", "Lambert", "Traore", "Boucher", "Renard", "Morel"]
STREETS = ["rue des Lilas", "avenue Jean Jaures", "rue Victor Hugo", "boulevard Gambetta", "rue Pasteur",
           "impasse des Roses", "allee des Tilleuls", "rue de la Gare", "chemin des Vignes", "rue Nationale",
           "place de la Republique", "rue du Moulin", "avenue de la Liberte", "rue Jean Moulin",
           "residence les Acacias", "cite des Fleurs", "rue Saint-Jean", "quai des Chartrons"]
CLASSES = {11: ["6e", "sixieme"], 12: ["5e", "cinquieme", "6e"], 13: ["4e", "quatrieme", "5e"],
           14: ["3e", "troisieme", "4e"], 15: ["seconde", "3e", "2nde"], 16: ["premiere", "seconde", "1ere"]}
EMO_END = ["", "", "", " 😏", " 😘", " 😉", " 🔥", " mdr", " lol", " stp", " 🙏", " ?", " !", " 😈", " hein"]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "ce soir", "demain",
        "ce week end"]
HOURS = ["18h", "19h", "20h", "20h30", "21h", "22h", "23h", "minuit", "14h", "16h30"]


def pick(seq):
    return R.choice(seq)


def strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def finish(text):
    """Small realistic variation: accents dropped, lower case start, trimmed spaces."""
    text = " ".join(text.split())
    roll = R.random()
    if roll < 0.35:
        text = strip_accents(text)
    if R.random() < 0.5 and text[:1].isupper() and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    elif R.random() < 0.2:
        text = text[0].upper() + text[1:]
    return text


ROWS = []
SEEN = set()


def emit(label, kind, n, channel, build):
    """Call build() until n unique texts are collected (or attempts run out)."""
    got, tries = 0, 0
    while got < n and tries < n * 40:
        tries += 1
        out = build()
        extra = {}
        if isinstance(out, tuple):
            out, extra = out
        text = finish(out)
        key = text.lower()
        if key in SEEN:
            continue
        SEEN.add(key)
        ch = channel if channel in ("room", "dm") else pick(["room", "dm"])
        row = {"text": text, "channel": ch, "label": label, "kind": kind + "_tpl"}
        row.update(extra)
        ROWS.append(row)
        got += 1
    return got


def minor_age():
    age = pick([11, 12, 13, 13, 14, 14, 15, 15, 16])
    return age, pick(CLASSES[age])


def adult_age():
    return R.randint(24, 62)


# ---------------------------------------------------------------- child_safety
CS_OK = ["c'est pas grave", "ca me derange pas", "l'age c'est qu'un chiffre", "moi j'aime bien les jeunes",
         "personne le saura", "t'es deja une grande", "je suis discret", "c'est encore mieux",
         "j'adore les filles de ton age", "ca m'excite encore plus"]
CS_REQ = ["envoie une photo de toi sans rien", "montre tes seins en cam", "on peut faire l'amour quand meme",
          "enleve ton haut devant la cam", "fais moi une video de toi sous la douche", "envoie une pic en culotte",
          "montre moi ton corps tout nu", "on se voit pour coucher ensemble", "fais un strip sur snap pour moi",
          "envoie une photo de tes fesses", "je veux etre ton premier", "montre toi en sous-vetements",
          "touche toi devant la cam pour moi", "envoie des nudes, je paie", "viens chez moi on fera des trucs de grands"]
CS_CODE = ["🍕", "pizza fraiche", "cp", "c.p", "🧀🍕", "🍭👧", "du contenu jeune", "des vids de gamines",
           "des photos de petites", "du 'pre-ado'", "🧒📸", "du jeune jeune", "des ecolieres", "🍼🔞"]
CS_DEAL = ["echange en pv", "je paie en crypto", "lien mega en dm", "groupe telegram prive", "j'echange contre les tiennes",
           "dossier de 5go", "paiement btc", "serieux uniquement", "pv pour le lien", "je vends le pack {p}e"]
KID_GROUP = ["gamines", "petites", "collegiennes", "filles", "petits gars", "ados", "mioches", "fillettes"]
CS_SEXUAL = ["elles sont bonnes", "elles m'excitent trop", "c'est mon kiff 🤤", "elles sont faites pour ca",
             "je les materais bien a poil", "sont les plus bandantes", "me donnent trop envie",
             "devraient etre a disposition des hommes"]


def cs_direct():
    age, cls = minor_age()
    shape = R.randrange(4)
    if shape == 0:
        t = f"{pick(GREET)}t'as {age} ans ? {pick(CS_OK)}, {pick(CS_REQ)}{pick(EMO_END)}"
    elif shape == 1:
        t = f"{pick(GREET)}t'es en {cls} ? {pick(CS_OK)}. {pick(CS_REQ)}{pick(EMO_END)}"
    elif shape == 2:
        t = f"{pick(CS_REQ)}, t'as quoi {age} ans c'est ca ? {pick(CS_OK)}{pick(EMO_END)}"
    else:
        t = f"ma petite {cls}, {pick(CS_REQ)}, {pick(['ca reste entre nous', 'je dirai rien a tes parents', 'je te recharge ton forfait', 'je te donne 50e'])}"
    return t, {"sender_age": adult_age(), "recipient_age": age}


def cs_trade():
    deal = pick(CS_DEAL).replace("{p}", str(pick([20, 30, 50, 80, 100, 150])))
    shape = R.randrange(3)
    if shape == 0:
        return f"{pick(['qqn a', 'qui a', 'cherche', 'je cherche', 'vends', 'echange'])} {pick(CS_CODE)} {pick(['', 'frais ', 'premium ', 'moins de 13 ', '8-14 ans '])}{deal}"
    if shape == 1:
        return f"{pick(CS_CODE)} dispo, {deal}, {pick(['que du vrai', 'pas de fake', 'verifie', 'contenu rare'])}"
    return f"{pick(['collectionneur', 'amateur', 'homme discret'])} cherche {pick(CS_CODE)}, {deal}"


def cs_sexualise():
    age = pick([8, 9, 10, 11, 12, 13, 14])
    return f"les {pick(KID_GROUP)} de {age} ans {pick(CS_SEXUAL)}{pick(EMO_END)}"


def cs_ad():
    lo = pick([10, 11, 12, 13, 14])
    return (f"{pick(['homme', 'H', 'monsieur', 'mec'])} {adult_age()}a cherche {pick(['jeune fille', 'petite', 'jeune mec', 'collegienne', 'ado'])} "
            f"{lo}-{lo + 2} ans pour {pick(['moments coquins', 'premiere experience', 'plan discret', 'photos sexy payees', 'calins tout nus'])}, {pick(['pv', 'discretion', 'cadeaux', 'snap en pv', 'genereux'])}")


# ---------------------------------------------------------------- grooming
FLATTER = ["tu fais beaucoup plus mature pour ton age", "t'es plus mature que les filles de mon age",
           "on dirait que t'as 18 ans", "t'es vraiment jolie pour ton age", "tu parles comme une adulte",
           "t'es speciale, pas comme les autres", "les garcons de ta classe te meritent pas",
           "t'es bien au dessus des gamins de ton college", "t'as une maturite de ouf", "t'es trop belle pour une {cls}"]
ACCEPT = ["ca me derange pas que tu sois au college", "l'age c'est dans la tete", "moi ca me gene pas du tout",
          "c'est pas grave que tu sois en {cls}", "franchement l'ecart d'age on s'en fiche"]
ISOLATE = ["tes parents te comprennent pas, moi si", "ta mere est trop stricte avec toi", "tes copines sont jalouses de toi",
           "t'as pas besoin d'eux, t'as moi", "les adultes autour de toi te traitent comme un bebe",
           "personne te comprend comme moi", "ton pere te merite pas"]
SECRET = ["dis rien a personne", "efface nos messages", "c'est notre petit secret", "faut pas que tes parents sachent",
          "supprime la conv apres", "renomme moi en copine dans ton tel", "garde ca entre nous",
          "si on te demande, je suis une copine de classe"]
GIFTS = ["je te recharge ton forfait", "je t'achete des v-bucks", "je te paye des robux", "je t'offre des airpods",
         "je t'envoie 50e", "je te prends un skin", "je t'offre une carte cadeau", "je te file mon vieil iphone",
         "je t'achete la tenue que tu voulais"]
PHOTO_ASK = ["envoie une photo de toi", "allume ta cam", "fais moi un selfie dans ta chambre",
             "on se fait un facetime quand tes parents dorment", "montre moi ta tenue du college",
             "t'as une photo de toi en tenue de sport ?", "une photo de toi en pyjama avant de dormir ?"]
MEET = ["on se voit {day} apres les cours", "je passe te prendre devant ton college {day}",
        "viens chez moi {day}, j'ai la ps5", "je t'attends en voiture a la gare {day}",
        "on se retrouve au parc {day}, viens seule", "je te paye le train pour venir me voir {day}",
        "dis a ta mere que tu dors chez une copine et viens {day}"]


def groom():
    age, cls = minor_age()
    shape = R.randrange(7)
    fl = pick(FLATTER).replace("{cls}", cls)
    if shape == 0:
        t = f"{pick(GREET)}t'es en {cls} ? {fl}{pick(EMO_END)}"
    elif shape == 1:
        t = f"{age} ans ? {pick(ACCEPT).replace('{cls}', cls)}, {fl}"
    elif shape == 2:
        t = f"{pick(ISOLATE)}. {pick(SECRET)}{pick(EMO_END)}"
    elif shape == 3:
        t = f"{pick(GIFTS)} si tu veux, mais {pick(SECRET)}{pick(EMO_END)}"
    elif shape == 4:
        t = f"{pick(PHOTO_ASK)}, {pick(['t es en ' + cls + ' non', 'personne le saura', 'juste pour moi', pick(SECRET)])}{pick(EMO_END)}"
    elif shape == 5:
        t = f"passe sur {pick(APPS)}, {pick(['ici c est surveille', 'les modos lisent tout', 'les messages s effacent', 'tes parents connaissent pas'])}, {pick(['t as quel pseudo', 'donne moi ton pseudo', 'je t ajoute', pick(SECRET)])}"
        t = t.replace(" c est", " c'est").replace(" t as", " t'as").replace("t ajoute", "t'ajoute")
    else:
        t = f"{pick(MEET).replace('{day}', pick(DAYS))}, {pick(SECRET)}{pick(EMO_END)}"
    return t, {"sender_age": adult_age(), "recipient_age": age}


# ---------------------------------------------------------------- sexual_violence
SUBST = ["du ghb", "de la G", "un cacheton", "ses somniferes", "un truc", "du rohypnol", "deux cachets",
         "un peu de produit", "ce que j'ai ramene"]
DRINK = ["son verre", "son mojito", "sa biere", "sa tisane", "son cafe", "son coca", "son rosé", "son punch"]
SV_TAIL = ["et elle dira plus non", "apres elle se laissera faire", "et on s'occupe d'elle", "elle se rappellera de rien",
           "et tu passes apres moi", "et on l'emmene dans la chambre", "elle pourra rien faire"]
VICTIM = ["ma femme", "ma copine", "une meuf bourree", "la stagiaire", "ma voisine", "une nana endormie",
          "ma coloc", "la nouvelle du taf"]
SV_STATE = ["endormie", "sous somniferes", "completement dechiree", "inconsciente", "qui tient plus debout",
            "droguée", "qui sait pas ce qui l'attend"]
THREAT_RAPE = ["je vais te violer", "je vais te prendre de force", "on va te faire une tournante",
               "tu vas te faire violer", "je vais te baiser meme si tu dis non", "tu vas passer a la casserole"]
THREAT_TAIL = ["sale pute", "tu vas voir", "je sais ou t'habites", "ca t'apprendra a dire non", "dans ta cage d'escalier",
               "a la sortie de ton taf", "que tu le veuilles ou non", "et personne t'entendra"]
ENDORSE = ["quand elle dit non ca veut dire oui", "si elle etait bourree elle l'a cherche",
           "une meuf endormie c'est open bar", "le consentement c'est une invention de feministe",
           "une bonne tournante ca la calmera", "elle s'habille comme ca, faut pas pleurer apres",
           "une femme mariee peut pas dire non a son mari", "un peu de force c'est de la seduction"]
COERCE_COND = ["tu couches pas avec moi", "tu viens pas ce soir", "tu me suces pas", "tu fais pas ce que je dis"]
COERCE_THREAT = ["je te vire", "je dis tout a ton mari", "tu rentres a pied", "je garde ton passeport",
                 "tu perds ton logement", "je publie tes photos", "je te laisse plus voir tes gosses"]


def sv():
    shape = R.randrange(6)
    if shape == 0:
        return f"{pick(['je mets', 'on met', 'mets', 'tu mets', 'verse'])} {pick(SUBST)} dans {pick(DRINK)} {pick(SV_TAIL)}{pick(EMO_END)}"
    if shape == 1:
        return (f"{pick(['cherche', 'on cherche', 'qui veut'])} {pick(['2', '3', '4', 'des'])} mecs pour {pick(VICTIM)} "
                f"{pick(SV_STATE)}, {pick(['elle saura pas', 'discretion', 'pv', 'ce soir', 'porte ouverte'])} {pick(CITIES)}")
    if shape == 2:
        return f"{pick(THREAT_RAPE)} {pick(THREAT_TAIL)}"
    if shape == 3:
        return f"{pick(['franchement', 'perso', 'moi je dis', 'faut arreter,'])} {pick(ENDORSE)}{pick(EMO_END)}"
    if shape == 4:
        return f"si {pick(COERCE_COND)}, {pick(COERCE_THREAT)}, t'as pas le choix"
    return f"des que {pick(['ta pote', 'la meuf', 'sa soeur', 'la blonde', 'la stagiaire'])} {pick(['titube', 'dort', 'est ko', 'tient plus debout'])} on {pick(['l emmene dans la chambre', 'se la fait', 'en profite', 'la ramene dans la voiture'])}".replace("l emmene", "l'emmene")


# ---------------------------------------------------------------- ncii
MEDIA = ["nudes", "photos a poil", "videos de cul", "sextape", "photos intimes", "vids", "snaps coquins"]
NCII_TARGET = ["mon ex", "ma meuf", "la meuf de mon pote", "ma collegue", "ma voisine", "la prof", "{f} de {c}",
               "ma belle-soeur", "la caissiere du {c}", "ma coloc"]
NCII_ACT = ["qui veut ?", "je balance ce soir", "lien en pv", "elle sait pas que je les ai", "je les poste partout",
            "10e le pack", "elle l'a bien cherche", "echange contre les tiennes", "je les mets sur le groupe"]
AUDIENCE = ["ta femme", "ton patron", "tous tes contacts", "ta famille", "ton lycee", "tes abonnes", "ton mec", "ta mere"]
CARD = ["pcs", "transcash", "neosurf", "paysafecard"]


def ncii():
    shape = R.randrange(5)
    tgt = pick(NCII_TARGET).replace("{f}", pick(FIRST_F)).replace("{c}", pick(CITIES))
    if shape == 0:
        return f"j'ai des {pick(MEDIA)} de {tgt}, {pick(NCII_ACT)}"
    if shape == 1:
        return f"{pick(['envoie', 'paie', 'donne'])} {pick([100, 150, 200, 300, 500])}e en {pick(CARD)} ou j'envoie tes {pick(MEDIA)} a {pick(AUDIENCE)}"
    if shape == 2:
        return f"{pick(['camera cachee', 'j ai filme en douce', 'photos volees', 'upskirt'])} {pick(['dans les vestiaires', 'sous les jupes dans le metro', 'dans la salle de bain de ma coloc', 'dans les cabines d essayage', 'dans mon airbnb'])}, {pick(['qui veut', 'dispo en pv', 'je partage', 'pack a vendre'])}".replace("j ai", "j'ai").replace("d essayage", "d'essayage")
    if shape == 3:
        return f"{pick(['je fais', 'qui fait', 'je vends'])} des {pick(['deepfakes nus', 'fausses nudes ia', 'montages porno'])} de {pick(['n importe quelle meuf', 'ta collegue', 'ton ex', 'ta crush', 'la prof'])}, {pick(['envoie sa photo', '5e la photo', 'dm', 'bot telegram'])}".replace("n importe", "n'importe")
    return f"qui a les {pick(MEDIA)} de {tgt} ? {pick(['ils circulent', 'elle a leak', 'faites tourner', 'je paie'])}"


# ---------------------------------------------------------------- hate
GROUPS = ["les arabes", "les noirs", "les juifs", "les musulmans", "les roms", "les gitans", "les chinois",
          "les asiatiques", "les homos", "les lesbiennes", "les trans", "les handicapes", "les femmes",
          "les migrants", "les africains", "les maghrebins", "les turcs", "les antillais", "les comoriens",
          "les blancs", "les gays", "les autistes", "les reunionnais", "les algeriens", "les marocains"]
SLURS = ["les bougnoules", "les bicots", "les negres", "les youpins", "les pedes", "les tarlouzes", "les gouines",
         "les bridés", "les romanos", "les crouilles", "les negros", "les chinetoques", "les mongols", "les trav",
         "les tapettes", "les bamboulas", "les feujs", "les niakoués", "les babtous"]
DEHUM = ["c'est de la vermine", "c'est des rats", "c'est des cafards", "c'est des animaux", "c'est un cancer pour la France",
         "c'est des parasites", "c'est des singes", "c'est une maladie", "c'est des sous-hommes", "c'est des porcs",
         "ca se reproduit comme des lapins", "c'est des betes"]
EXCL = ["faut tous les renvoyer chez eux", "faut les virer de France", "devraient pas avoir le droit de voter",
        "faut les parquer dans des camps", "dehors, ils ont rien a faire ici", "faut leur interdire nos ecoles",
        "faut les ficher", "faut leur retirer la nationalite"]
HATE_THREAT = ["on va leur faire la chasse ce soir", "faut les bruler", "un jour on va s'occuper d'eux",
               "ratonnade samedi, ramenez des battes", "on va leur faire payer"]
CONTEMPT = ["c'est tous des voleurs", "sont feignants de nature", "sont moins intelligents", "puent",
            "sont tous des delinquants", "savent que profiter des allocs", "c'est une race inferieure",
            "c'est tous des pervers", "sont tous des terroristes"]


def hate():
    shape = R.randrange(7)
    grp = pick(GROUPS + SLURS)
    if shape == 0:
        return f"{grp} {pick(DEHUM)}{pick(EMO_END)}"
    if shape == 1:
        return f"{grp} {pick(EXCL)}"
    if shape == 2:
        return f"{pick(SLURS)}, {pick(HATE_THREAT)}"
    if shape == 3:
        return f"je suis pas raciste mais {pick(GROUPS)} {pick(CONTEMPT)}"
    if shape == 4:
        return f"pourquoi {pick(GROUPS)} {pick(CONTEMPT)} ? vraie question"
    if shape == 5:
        return f"{pick(['sale', 'espece de', 'retourne chez toi sale'])} {pick(['bougnoule', 'negre', 'youpin', 'pede', 'gouine', 'bridé', 'bicot', 'crouille', 'romano', 'tarlouze'])}, {pick(['ta place est pas ici', 'degage', 'vous etes tous pareils', 'ta race'])}"
    return f"{pick(['perso', 'a mon avis', 'c est un fait,', 'soyons honnetes,'])} {pick(GROUPS)} {pick(CONTEMPT + DEHUM)}".replace("c est", "c'est")


# ---------------------------------------------------------------- violence
KILL = ["je vais te tuer", "je vais te planter", "je vais te crever", "t'es un homme mort", "je vais te fumer",
        "je vais t'egorger", "je vais te saigner", "je vais te cramer", "je vais te defoncer a mort",
        "tu vas finir dans un sac", "je vais te mettre une balle"]
KILL_TAIL = ["je sais ou t'habites", "a la sortie de ton taf", "toi et ta famille", "devant chez toi",
             "t'as pas idee", "je rigole pas", "wallah", "demain", "tu verras pas noel", "j'ai ton adresse"]
PLACES_ATTACK = ["la mosquee", "la synagogue", "l'eglise", "le lycee", "le college", "la fac", "la mairie",
                 "le commissariat", "le foyer de migrants", "le bar gay"]
SUICIDE = ["va te pendre", "tu devrais crever", "jette toi sous un train", "suicide toi", "kys",
           "ouvre toi les veines", "saute du pont", "tue toi", "va crever", "finis en"]


def violence():
    shape = R.randrange(5)
    if shape == 0:
        return f"{pick(GREET)}{pick(KILL)}, {pick(KILL_TAIL)}"
    if shape == 1:
        return f"{pick(['je vais bruler', 'on va faire sauter', 'je vais tirer dans', 'on va cramer', 'je vais faire un carnage dans'])} {pick(PLACES_ATTACK)} {pick(['de ' + pick(CITIES), 'du quartier', ''])} {pick(DAYS)}"
    if shape == 2:
        return f"{pick(SUICIDE)}, {pick(['personne te regrettera', 't es qu une merde', 'bon debarras', 'le monde ira mieux', 'fais nous plaisir', 'personne veut de toi'])}".replace("t es qu une", "t'es qu'une")
    if shape == 3:
        return f"{pick(['faut lyncher', 'faut buter', 'allez tabasser', 'cassez les jambes a', 'faut egorger'])} {pick(['ce mec', 'les flics', 'le prof', 'ce youtubeur', 'le voisin', 'cette balance'])}, {pick(['qui a son adresse', 'qui vient', 'ce soir', 'faut pas le rater'])}"
    return f"{pick(['vive', 'bravo a', 'respect a', 'gloire a'])} {pick(['l auteur du bataclan', 'merah', 'les freres kouachi', 'daech', 'breivik', 'celui qui a tue samuel paty'])}, {pick(['faut en faire d autres', 'des heros', 'le prochain sera pire', 'ils ont bien fait'])}".replace("l auteur", "l'auteur").replace("d autres", "d'autres")


# ---------------------------------------------------------------- drugs
DRUGS = ["shit", "beuh", "weed", "coke", "md", "ke", "3mmc", "xtc", "lsd", "crack", "hero", "lean",
         "xanax", "ghb", "champis", "zamal", "frappe", "blanche", "cali", "filtre"]
EMOJI_MENU = ["🍃❄️💊", "🍫🍃", "❄️❄️", "🥦🍫❄️", "💊🍬", "🍄🍄", "🐴💨", "🍃🍃🍃", "🔌🍫", "🌿❄️💎", "🧊💊"]
UNIT = ["le g", "les 5g", "les 10g", "la plaquette", "le cachet", "la piece", "le pochon"]


def drugs():
    shape = R.randrange(5)
    city = pick(CITIES)
    if shape == 0:
        return f"{pick(EMOJI_MENU)} dispo {city}, {pick(DRUGS)} {pick([10, 12, 15, 20, 40, 60, 70, 80])} {pick(UNIT)}, {pick(['livraison', 'pv', 'snap en pv', 'telegram', '7j/7', 'drive'])}"
    if shape == 1:
        return f"{pick(['qqn a', 'qui a', 'je cherche', 'besoin de'])} {pick(['un plan', 'un plug', 'de la', 'du'])} {pick(DRUGS)} sur {city} {pick(['?', 'ce soir ?', 'pour le we', 'je paie cash', 'urgent'])}"
    if shape == 2:
        return f"rdv {pick(HOURS)} {pick(['parking du lidl', 'devant le bat C', 'a la gare', 'sous le pont', 'derriere le club', 'au four'])}, ramene {pick([20, 40, 50, 60, 100, 200])} en liquide pour {pick(['ta commande de', 'ton', 'tes g de', 'le plan'])} {pick(DRUGS)}"
    if shape == 3:
        return f"vends {pick(DRUGS)} {pick(['de qualite', 'pas coupee', 'premium', 'de la cite', 'frais'])}, {pick([8, 10, 12, 25, 30, 70])} {pick(UNIT)}, {pick(['envoi postal discret', 'paiement crypto', 'livraison scooter', 'pv'])}"
    return f"{pick(['je recrute', 'cherche', 'besoin de'])} {pick(['guetteurs', 'charbonneurs', 'livreurs', 'petits'])} pour {pick(['le terrain', 'le four', 'livrer', 'vendre au lycee'])}, {pick([80, 100, 150, 200])}e la journee"


# ---------------------------------------------------------------- personal_data
def phone():
    return f"0{pick([6, 7])} {R.randint(10, 99)} {R.randint(10, 99)} {R.randint(10, 99)} {R.randint(10, 99)}"


DOX_CALL = ["allez lui rendre visite", "faites en ce que vous voulez", "harcelez cette personne", "spammez",
            "appelez jour et nuit", "faites tourner", "pourrissez lui la vie", "a vous de jouer", "allez y tous"]


def personal():
    shape = R.randrange(5)
    name = f"{pick(FIRST_F + FIRST_M)} {pick(SURNAMES)}"
    if shape == 0:
        return f"{pick(['ce mec', 'cette meuf', 'le pseudo qui m a bloque', 'le modo', 'cette balance'])} c'est {name}, {R.randint(1, 120)} {pick(STREETS)} a {pick(CITIES)}, {pick(DOX_CALL)}".replace("m a", "m'a")
    if shape == 1:
        return f"{phone()} c'est le num de {pick(['mon ex', 'ce connard', 'la prof', 'la meuf qui m a ghoste', name])}, {pick(DOX_CALL)}".replace("m a", "m'a")
    if shape == 2:
        return f"{pick(['qui peut trouver', 'aidez moi a trouver', 'je paye pour', 'qqn a'])} l'adresse de {pick(['ce mec', 'cette meuf', 'mon ex', 'ce youtubeur', name])} ? {pick(['je veux la retrouver', 'il va regretter', 'on va lui rendre visite', 'j ai que son snap'])}".replace("j ai", "j'ai")
    if shape == 3:
        return f"{pick(['mon 06 c est', 'appelez moi au', 'mon num', 'ecrivez moi au', 'textez moi'])} {phone()} {pick(['', 'les filles', 'tout le monde', 'je m ennuie', 'dispo ce soir'])}".replace("c est", "c'est").replace("m ennuie", "m'ennuie")
    return f"{name} {pick(['bosse au carrefour', 'travaille a la mairie', 'sert au bar du port', 'est prof au college Jean Moulin', 'bosse au kfc', 'est caissier au leclerc', 'travaille a la poste'])} de {pick(CITIES)}, {pick(DOX_CALL)}"


# ---------------------------------------------------------------- scam
BRANDS = ["Ameli", "Chronopost", "Colissimo", "La Poste", "Antai", "impots.gouv", "CAF", "Netflix", "Vinted",
          "Credit Agricole", "Papote", "CPF", "Orange", "EDF", "Amazon"]
PRETEXT = ["un remboursement de {a}e vous attend", "votre colis est bloque", "votre compte va etre suspendu",
           "une amende est impayee", "votre carte vitale expire", "vous avez gagne un iphone",
           "votre paiement a ete refuse", "il vous reste des droits a utiliser"]
ESCORT = ["jolie brune", "belle blonde", "jeune femme", "nouvelle sur la ville", "metisse sexy", "etudiante coquine",
          "dame mure", "TS"]


def scam():
    shape = R.randrange(6)
    if shape == 0:
        dom = f"{pick(BRANDS).lower().replace('.', '-').replace(' ', '-')}-{pick(['securite', 'suivi', 'rembourse', 'verif', 'paiement'])}.{pick(['com', 'info', 'xyz', 'net', 'fr'])}"
        return f"{pick(BRANDS)}: {pick(PRETEXT).replace('{a}', str(R.randint(40, 400)))}, {pick(['cliquez ici', 'verifiez sur', 'payez sur', 'validez sur'])} {dom}"
    if shape == 1:
        return f"{pick(['tu peux m acheter', 'envoie moi', 'stp achete', 'j ai besoin d'])} un {pick(CARD)} de {pick([20, 50, 100, 150, 250])}e {pick(['je te rembourse demain', 'c est urgent', 'pour mon billet', 'pour debloquer mon compte', 'et je t envoie des photos'])}".replace("m acheter", "m'acheter").replace("j ai besoin d' un", "j'ai besoin d'un").replace("c est", "c'est").replace("t envoie", "t'envoie")
    if shape == 2:
        return f"{pick(ESCORT)} {R.randint(19, 45)}a dispo {pick(CITIES)}, {pick(['tarifs en pv', '100 roses l heure', 'contre 💶', '150 la nuit', 'massage + finition 80'])}".replace("l heure", "l'heure")
    if shape == 3:
        return f"{pick(['investis', 'envoie', 'depose'])} {pick([100, 250, 500])}e et recois {pick([1000, 2500, 5000])}e en {pick(['une semaine', '48h', 'un mois'])}, {pick(['garanti', 'sans risque', 'mon robot trade pour toi', 'crypto x10'])}"
    if shape == 4:
        return f"mon amour, {pick(['je suis bloque a l aeroport', 'ma mere est a l hopital', 'mon compte est gele', 'la douane retient mon colis'])}, il me faut {pick([300, 500, 800, 1500])}e, {pick(['je te rembourse promis', 'apres on sera ensemble', 'par western union', 'en coupons pcs'])}".replace("l aeroport", "l'aeroport").replace("l hopital", "l'hopital")
    return f"{pick(['donne moi', 'envoie moi'])} {pick(['ton mot de passe', 'le code recu par sms', 'tes identifiants', 'ton code de double authentification'])}, {pick(['je suis du support', 'c est pour le concours', 'sinon ton compte est supprime', 'je te rajoute des abonnes'])}".replace("c est", "c'est")


# ---------------------------------------------------------------- spam
PLAT = ["insta", "tiktok", "youtube", "twitch", "onlyfans", "mym", "snap premium", "telegram", "discord"]
PRODUCTS = ["sneakers", "montres de luxe", "gelules minceur", "iptv 20000 chaines", "followers insta", "parfums",
            "credits rapides", "cles windows", "cbd premium", "vapes", "cours de trading"]


def handle():
    return f"@{pick(FIRST_F + FIRST_M).lower()}{pick(['_off', '.pro', '_59', '13', '_fit', '_gaming', '.x', '93'])}"


def spam():
    shape = R.randrange(5)
    if shape == 0:
        return f"{pick(['suivez', 'abonnez vous a', 'follow', 'venez sur'])} mon {pick(PLAT)} {handle()} {pick(['lien en bio', 'je follow back', 'like et partage', 'promo -50%', 'live ce soir', '🔥🔥'])}"
    if shape == 1:
        return f"-{pick([30, 50, 70, 80])}% sur les {pick(PRODUCTS)}, {pick(['livraison gratuite', 'stock limite', 'code PAPOTE10', 'commandez vite'])} sur {pick(['deal', 'promo', 'top', 'super'])}-{pick(['shop', 'outlet', 'store'])}.{pick(['fr', 'com', 'xyz'])}"
    if shape == 2:
        h = handle()
        return f"{pick(PLAT)} {h} {pick(PLAT)} {h} {pick(PLAT)} {h}"
    if shape == 3:
        return f"{pick(['envoie ce message a', 'partage a', 'copie colle dans'])} {pick([5, 10, 20])} {pick(['personnes', 'salons', 'contacts'])} {pick(['ou 7 ans de malheur', 'sinon ton compte sera supprime', 'et ton voeu se realisera', 'avant minuit'])}"
    return f"{pick(['je recrute', 'qui veut gagner', 'business en ligne'])} {pick(['300e par jour', '2000e par mois', 'argent facile', 'revenu illimite'])} {pick(['depuis chez soi', 'avec ton tel'])}, {pick(['ecris INFO en pv', 'lien en bio', 'telegram en bio'])}"


# ---------------------------------------------------------------- harassment
INSULT_F = ["grosse merde", "connasse", "sous merde", "salope", "trainee", "ratée", "tchoin", "petite conne",
            "pauvre conne", "grosse vache", "pouffiasse", "cagole", "bouffonne"]
INSULT_M = ["pauvre con", "boloss", "bouffon", "cassos", "baltringue", "thon", "gros lard", "sale rat", "fdp",
            "debile", "minable", "raté", "gros naze", "batard"]
INSULT_N = INSULT_F + INSULT_M
BODY = ["t'es grosse comme une vache", "t'es moche a vomir", "t'as une gueule de cheval", "t'es une baleine",
        "t'es un sac d'os", "t'es chauve et ridicule", "t'as des dents pourries", "t'es vieille et ridee"]
NONLETHAL = ["je vais te pourrir la vie", "je vais ruiner ta reputation", "je vais dire a tout ton taf ce que t'es",
             "je vais te suivre dans tous les salons", "je vais creer des faux comptes a ton nom",
             "tu vas regretter de m'avoir parle"]


def harass():
    shape = R.randrange(5)
    if shape == 0:
        insult = pick([f"t'es qu'une {pick(INSULT_F)}", f"t'es qu'un {pick(INSULT_M)}", f"espece de {pick(INSULT_N)}"])
        return f"{pick(GREET)}{insult}, {pick(['personne t aime', 'ferme ta gueule', 'degage', 'casse toi', 'tout le salon le sait'])}".replace("t aime", "t'aime")
    if shape == 1:
        return f"{pick(BODY)}, {pick(['personne voudra de toi', 'cache toi', 'enleve ta photo', 'fais un regime', 'ca fait gerber'])}"
    if shape == 2:
        return f"{pick(NONLETHAL)}, {pick(INSULT_N)}"
    if shape == 3:
        return f"{pick(['reponds', 'pourquoi tu reponds pas', 'je sais que t es en ligne', 'tu m as bloque mais'])}, {pick(['je lacherai pas', 'je te retrouverai', 'REPONDS', 'je t ecrirai tous les jours'])} {pick(INSULT_N)}".replace("t es", "t'es").replace("m as", "m'as").replace("t ecrirai", "t'ecrirai")
    return f"{pick(['retourne a la cuisine', 'une meuf ca ferme sa gueule', 't as tes regles ou quoi', 'les meufs ca sait pas jouer'])}, {pick(INSULT_N)}".replace("t as", "t'as")


# ---------------------------------------------------------------- sexual_content
EXPL = ["tu suces ?", "envoie une photo de ta chatte", "je veux te baiser", "t'avales ?", "montre tes seins",
        "je bande en voyant ta photo", "je veux t'eclater le cul", "on baise ce soir ?", "tu veux voir ma bite ?",
        "je me branle en pensant a toi", "plan cul ce soir ?", "t'aimes la sodo ?", "je te leche partout ?"]
ROOMS = ["Cuisine", "Foot", "Musique", "Lille", "Marseille", "Bretagne", "Jeux video", "Cinema", "Belgique",
         "Reunion", "Rencontres", "Quebec", "Voyages"]


def sexual():
    shape = R.randrange(3)
    if shape == 0:
        return f"{pick(GREET)}{pick(EXPL)}{pick(EMO_END)}"
    if shape == 1:
        return f"salon {pick(ROOMS)}: {pick(['qui veut', 'une meuf pour', 'un mec pour'])} {pick(['baiser', 'me sucer', 'une levrette', 'se branler en vocal', 'un plan cul'])} {pick(DAYS)} {pick(['a ' + pick(CITIES), '', 'je suis chaud', 'je mouille deja'])}"
    return f"{pick(['allez', 'fais pas ta prude', 't as dit non mais', 'arrete de faire la timide'])}, {pick(EXPL)}".replace("t as", "t'as")


# ================================================================ hard negatives
def neg_counter():
    slur = pick(["sale bougnoule", "sale negre", "sale pd", "sale juif", "sale gouine", "chinetoque", "singe",
                 "sale arabe", "bamboula", "sale romano", "tarlouze", "mongol", "sale blanc", "bridé"])
    who = pick(["un mec dans le bus", "mon voisin", "un client", "un supporter", "un collegue", "un inconnu",
                "quelqu'un dans le salon", "un prof"])
    victim = pick(["m'a traite de", "a traite ma fille de", "a crie", "a traite mon pote de", "m'a ecrit"])
    shape = R.randrange(4)
    if shape == 0:
        return f"{who} {victim} \"{slur}\", {pick(['j ai porte plainte', 'j ai signale', 'on a appele la police', 'j ai fait une capture pour pharos', 'c est une honte'])}".replace("j ai", "j'ai").replace("c est", "c'est")
    if shape == 1:
        return f"dire que {pick(GROUPS)} {pick(DEHUM + CONTEMPT)}, c'est {pick(['du racisme', 'de la haine', 'puni par la loi', 'degueulasse'])}, {pick(['signalez', 'arretez', 'point', 'faut reagir'])}"
    if shape == 2:
        return f"{pick(['article', 'BFM', 'France Info', 'Le Monde', 'La Voix du Nord', 'Ouest-France'])}: un homme condamne pour avoir {pick(['qualifie', 'traite'])} {pick(GROUPS)} de \"{pick(['vermine', 'rats', 'cafards', 'singes', 'parasites'])}\""
    return f"{pick(['non', 'stop', 'franchement'])}, \"{pick(ENDORSE + ['va te pendre', 'la remigration maintenant', 'hitler avait raison'])}\" c'est pas une blague, {pick(['signalez', 'c est grave', 'ca blesse des gens', 'ca tue'])}".replace("c est", "c'est")


def neg_prevention():
    d = pick(["le GHB", "la coke", "la 3mmc", "le proto", "le crack", "l'alcool", "le shit", "la md", "le lean",
              "le tramadol", "les somniferes", "la ketamine"])
    shape = R.randrange(4)
    if shape == 0:
        return f"{d} c'est dangereux, {pick(['faites gaffe a vos verres', 'ne melangez jamais avec l alcool', 'testez vos produits', 'restez pas seuls', 'appelez le 15 en cas de malaise'])}".replace("l alcool", "l'alcool")
    if shape == 1:
        return f"j'ai arrete {d} depuis {pick(['3 mois', '1 an', '2 ans', '6 semaines', '400 jours'])}, {pick(['fier de moi', 'c etait dur', 'merci a ma famille', 'je dors enfin', 'le CSAPA m a aide'])}".replace("c etait", "c'etait").replace("m a", "m'a")
    if shape == 2:
        return f"{pick(['mon frere', 'ma fille', 'mon pote', 'mon mari', 'ma soeur'])} prend {d}, {pick(['comment l aider', 'je m inquiete', 'on a appele Drogues Info Service', 'vous connaissez un addictologue a ' + pick(CITIES)])} ?".replace("l aider", "l'aider").replace("m inquiete", "m'inquiete")
    return f"{pick(['reportage', 'docu', 'article', 'prevention au lycee'])} sur {d}: {pick(['a voir', 'glacant', 'tres bien fait', 'tous les parents devraient voir ca'])}"


GAMES = ["FIFA", "Fortnite", "Mario Kart", "Valorant", "Call of", "Smash", "LoL", "Rocket League", "Street Fighter",
         "Tekken", "Warzone", "Clash Royale", "Apex", "Elden Ring", "echecs", "belote", "petanque", "Uno"]
TEAMS = ["l'OM", "le PSG", "Lens", "le LOSC", "Lyon", "Nantes", "Rennes", "Toulouse", "Bordeaux", "Brest",
         "les Bleus", "les Belges", "Saint-Etienne", "le Standard", "Anderlecht", "le Stade Toulousain"]


def neg_gaming():
    shape = R.randrange(4)
    if shape == 0:
        return f"{pick(GREET)}{pick(['je vais te detruire', 'je vais te massacrer', 'je vais te tuer', 'je vais te defoncer', 'je vais t atomiser'])} a {pick(GAMES)} {pick(DAYS)}{pick([' 😂', ' mdr', '', ' prepare toi', ' tu vas pleurer'])}".replace("t atomiser", "t'atomiser")
    if shape == 1:
        return f"on a {pick(['massacre', 'explose', 'ecrase', 'detruit', 'atomise'])} {pick(TEAMS)} {R.randint(2, 6)}-{R.randint(0, 1)}, {pick(['quelle rouste', 'carnage', 'boucherie', 'trop bon', 'allez'])}"
    if shape == 2:
        return f"{pick(['ce film', 'cette serie', 'ce boss', 'ce prof', 'ma mere', 'mon boss', 'la chaleur'])} {pick(['m a tue', 'va me tuer', 'm a acheve', 'me tue'])}{pick([' 😂', ' 😭', '', ' mdr'])}".replace("m a", "m'a")
    return f"{pick(TEAMS)} va se faire {pick(['massacrer', 'defoncer', 'exploser', 'egorger'])} {pick(DAYS)} {pick(['(sur le terrain hein)', '😂', 'au stade', 'par nos joueurs', ''])}"


def neg_flirt():
    shape = R.randrange(4)
    if shape == 0:
        return f"{pick(['t es une bombe', 't es canon', 't as un beau sourire', 't es trop belle', 't es un beau gosse'])} {pick(['sur ta photo', 'ce soir', '', 'sans rire'])}{pick(EMO_END)}".replace("t es", "t'es").replace("t as", "t'as")
    if shape == 1:
        return f"on se {pick(['boit un verre', 'fait un resto', 'fait un cine', 'voit pour un cafe', 'fait une balade'])} {pick(DAYS)} ? {pick(['je connais un bar sympa a ' + pick(CITIES), 'vers ' + pick(HOURS), 'ca me ferait plaisir', 'sans prise de tete'])}"
    if shape == 2:
        return f"{pick(['moi aussi j ai envie de toi', 'j ai adore notre soiree', 'tu me manques deja', 'je pense a toi'])}, {pick(['vivement ' + pick(DAYS), 'on remet ca quand tu veux', 'a ce soir', 'bisous'])} {pick(['😘', '❤️', '🥰', ''])}".replace("j ai", "j'ai")
    return f"{pick(['H', 'F'])} {R.randint(25, 70)} ans {pick(CITIES)}, {pick(['cherche relation serieuse', 'cherche quelqu un pour des sorties', 'aime les randos et le cine', 'cherche compagne pour voyages'])}".replace("quelqu un", "quelqu'un")


def neg_adult_room():
    t = (f"{pick(['oui', 'mmh', 'ok'])} {pick(['moi aussi j ai envie de toi', 'j ai adore notre nuit', 'on fait comme on a dit', 'viens me rejoindre'])}, "
         f"{pick(['on en parle avant', 'tu peux dire non', 'a ce soir', 'j ai hate', 'on prend notre temps'])} {pick(['😏', '😘', '😈', ''])}")
    return t.replace("j ai", "j'ai"), {"room_adult": True}


def neg_parent():
    age = R.randint(3, 17)
    cls = CLASSES.get(age, ["CP", "CE1", "CE2", "CM1", "CM2", "maternelle"])[0] if age >= 11 else pick(["CP", "CE1", "CE2", "CM1", "CM2", "maternelle"])
    kid = pick(["ma fille", "mon fils", "ma niece", "mon neveu", "ma petite-fille", "mon petit-fils", "ma belle-fille"])
    shape = R.randrange(3)
    if shape == 0:
        return f"{kid} de {age} ans {pick(['rentre en ' + cls, 'a eu son controle de maths', 'fait du foot le mercredi', 'a perdu une dent', 'veut un telephone', 'a une competition samedi', 'stresse pour la rentree'])}"
    if shape == 1:
        return f"{kid} est en {cls}, {pick(['les devoirs c est la guerre', 'elle adore sa maitresse', 'il a eu les felicitations', 'reunion parents-profs ce soir', 'sortie scolaire demain'])}".replace("c est", "c'est")
    return f"{kid} de {age} ans {pick(['parle avec des inconnus en ligne, comment la proteger', 'veut snap, vous avez fait comment', 'a recu un message bizarre, on a signale au 3018'])} ?"


def neg_teacher_past_studies():
    shape = R.randrange(4)
    if shape == 0:
        return f"je suis {pick(['prof', 'CPE', 'surveillant', 'AESH', 'infirmiere scolaire', 'prof des ecoles'])} {pick(['au college', 'en lycee pro', 'en primaire', 'en ' + pick(['6e', '5e', '4e', '3e', 'CM2'])])} a {pick(CITIES)}, {pick(['mes eleves sont top', 'conseil de classe ce soir', 'courage a moi', 'j adore mon metier'])}".replace("j adore", "j'adore")
    if shape == 1:
        return f"quand j'avais {R.randint(8, 17)} ans {pick(['je jouais au foot tous les jours', 'on allait en colo', 'j ecoutais du rap dans ma chambre', 'j etais timide', 'on avait MSN', 'je voulais etre pompier'])}".replace("j ecoutais", "j'ecoutais").replace("j etais", "j'etais")
    if shape == 2:
        return f"je suis en {pick(['master 1', 'master 2', 'L1', 'L2', 'L3', 'BTS', 'BUT', 'prepa', 'doctorat', 'CAP', 'licence pro'])} {pick(['de droit', 'de psycho', 'd info', 'de compta', 'de cuisine', 'd histoire', 'en alternance'])} a {pick(CITIES)}, {pick(['les partiels arrivent', 'j ai ' + str(R.randint(18, 45)) + ' ans', 'ca se passe bien', 'reconversion a ' + str(R.randint(28, 50)) + ' ans'])}".replace("d info", "d'info").replace("d histoire", "d'histoire").replace("j ai", "j'ai")
    return f"{pick(['bac+5', 'mon BTS', 'mon CAP', 'mon master', 'ma licence'])} {pick(['en poche', 'valide', 'enfin'])}, {pick(['je bosse dans un lycee', 'je commence lundi', 'CDI signe', 'je cherche du taf a ' + pick(CITIES)])}"


def neg_places_help():
    shape = R.randrange(4)
    if shape == 0:
        return f"{pick(['le resto', 'la boulangerie', 'la pharmacie de garde', 'le cinema', 'le CeGIDD', 'le planning familial', 'la friterie', 'le garage'])} {pick(['est au', 'c est au'])} {R.randint(1, 90)} {pick(STREETS)} a {pick(CITIES)}, {pick(['super accueil', 'ouvert le dimanche', 'sans rdv', 'je recommande'])}".replace("c est", "c'est")
    if shape == 1:
        topic, num = pick([("cyberharcelement", "le 3018"), ("enfance en danger", "le 119"),
                           ("violences conjugales", "le 3919"), ("idees suicidaires", "le 3114"),
                           ("arnaque", "le 0 805 805 817"), ("danger immediat", "le 17"),
                           ("harcelement scolaire", "le 3020"), ("urgence medicale", "le 15"),
                           ("sms frauduleux", "le 33700"), ("drogues", "le 0 800 23 13 13")])
        return f"{topic}: {num}, {pick(['gratuit', 'anonyme', '24h/24', 'n hesitez pas', 'notez le', 'ils sont top'])}".replace("n hesitez", "n'hesitez")
    if shape == 2:
        return f"attention {pick(['aux codes PCS', 'aux faux conseillers', 'au sms colis bloque', 'aux faux militaires', 'aux placements crypto miracles', 'au message maman j ai change de numero'])}, {pick(['c est une arnaque', 'signalez au 33700', 'ne cliquez pas', 'ma mere a failli se faire avoir'])}".replace("c est", "c'est").replace("j ai", "j'ai")
    return f"{pick(['on m a drogue', 'quelqu un menace de publier mes photos', 'on m a vole mon compte', 'un mec me harcele', 'mon adresse a ete publiee'])}, {pick(['je fais quoi', 'qui contacter', 'aidez moi', 'je porte plainte ou'])} ?".replace("m a", "m'a").replace("quelqu un", "quelqu'un")


ORD = ["il pleut a {c}", "qui regarde le match ce soir", "bonne nuit la team", "je m'ennuie, quelqu'un veut papoter",
       "vous etes d'ou", "quelqu'un connait un bon resto a {c}", "journee de fou au taf", "vive le week end",
       "le soleil est revenu a {c}", "j'ai fait une raclette", "vous ecoutez quoi comme musique",
       "qui va au concert samedi", "mon chat a encore fait une betise", "bon appetit a tous"]


def neg_ordinary():
    return f"{pick(GREET)}{pick(ORD).replace('{c}', pick(CITIES))}{pick(['', ' ?', ' 😂', ' 😊', ' !', ' ☀️', ' 🍺'])}"


# ================================================================ run
PLAN = [
    ("child_safety", "cs_direct", 90, "dm", cs_direct),
    ("child_safety", "cs_trade", 60, "room", cs_trade),
    ("child_safety", "cs_sexualise", 35, "room", cs_sexualise),
    ("child_safety", "cs_ad", 35, "room", cs_ad),
    ("grooming", "grooming", 220, "dm", groom),
    ("sexual_violence", "sexual_violence", 210, "any", sv),
    ("ncii", "ncii", 210, "any", ncii),
    ("hate", "hate", 220, "room", hate),
    ("violence", "violence", 210, "any", violence),
    ("drugs", "drugs", 220, "any", drugs),
    ("personal_data", "personal_data", 210, "room", personal),
    ("scam", "scam", 210, "any", scam),
    ("spam", "spam", 200, "room", spam),
    ("harassment", "harassment", 210, "dm", harass),
    ("sexual_content", "sexual_content", 200, "any", sexual),
    ("benign", "counter_speech", 300, "room", neg_counter),
    ("benign", "prevention", 250, "room", neg_prevention),
    ("benign", "gaming_hyperbole", 300, "any", neg_gaming),
    ("benign", "flirt_adults", 280, "dm", neg_flirt),
    ("benign", "adult_room_consensual", 90, "dm", neg_adult_room),
    ("benign", "parent_talk", 250, "room", neg_parent),
    ("benign", "teacher_past_studies", 280, "room", neg_teacher_past_studies),
    ("benign", "places_help", 280, "room", neg_places_help),
    ("benign", "ordinary", 400, "any", neg_ordinary),
]


def main():
    for label, kind, n, channel, fn in PLAN:
        got = emit(label, kind, n, channel, fn)
        if got < n:
            print(f"note: {kind} produced {got}/{n} unique lines")
    with OUT.open("w", encoding="utf-8") as fh:
        for row in ROWS:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = {}
    for row in ROWS:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    for k in sorted(counts):
        print(f"{k:16s} {counts[k]}")
    print("total", len(ROWS))


if __name__ == "__main__":
    main()
