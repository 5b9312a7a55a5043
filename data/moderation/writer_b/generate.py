#!/usr/bin/env python3
"""Template generator for Papote moderation training data (source "writer_b").

Python stdlib only, fixed seed, deterministic: running it twice gives the same
generated.jsonl. Every line has a `kind` ending in "_tpl". No evasion (leet,
spacing, look-alike letters) is added here: the training command does that.
"""
import json
import os
import random
import re

SEED = 20261201
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated.jsonl")

S = {
    "city": ["Lyon", "Marseille", "Lille", "Toulouse", "Nantes", "Bordeaux", "Rennes", "Strasbourg",
             "Montpellier", "Nice", "Grenoble", "Dijon", "Reims", "Brest", "Tours", "Metz", "Rouen",
             "Limoges", "Amiens", "Perpignan", "Clermont-Ferrand", "Le Havre", "Caen", "Orléans",
             "Besançon", "Poitiers", "Pau", "Nancy", "Avignon", "Angers", "Saint-Étienne", "Toulon",
             "Annecy", "Bayonne", "Valence", "Nîmes", "Mulhouse", "Quimper", "Troyes", "Chartres"],
    "fname": ["Léa", "Camille", "Manon", "Chloé", "Sarah", "Julie", "Inès", "Emma", "Laura", "Marion",
              "Sophie", "Aurélie", "Nadia", "Claire", "Pauline", "Amandine", "Élodie", "Yasmine", "Océane", "Justine"],
    "mname": ["Kevin", "Julien", "Thomas", "Mehdi", "Nicolas", "Romain", "Hugo", "Karim", "Maxime", "Sébastien",
              "Antoine", "Florian", "Yann", "Loïc", "Bruno", "Patrick", "Cédric", "Olivier", "Samir", "Dylan"],
    "lname": ["Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Girard", "Roux", "Fournier", "Morel",
              "Mercier", "Dupont", "Lambert", "Bonnet", "Faure", "Rousseau", "Blanc", "Guerin", "Muller",
              "Henry", "Perrin", "Chevalier", "Robin", "Masson", "Garnier", "Renard"],
    "street": ["rue Victor Hugo", "avenue Jean Jaurès", "rue de la République", "boulevard Gambetta",
               "rue Pasteur", "allée des Tilleuls", "impasse des Lilas", "rue du Moulin", "place de la Mairie",
               "chemin des Vignes", "rue Nationale", "rue de la Gare", "avenue de la Libération",
               "rue des Écoles", "rue Jean Moulin", "boulevard Carnot"],
    "num": [str(n) for n in range(1, 60)],
    "phone": ["06 %02d %02d %02d %02d" % (a, b, c, d) for a, b, c, d in
              [(12, 48, 77, 31), (61, 22, 94, 5), (44, 51, 9, 83), (87, 32, 14, 55), (23, 45, 67, 89),
               (52, 18, 47, 33), (71, 23, 48, 90), (13, 57, 92, 46), (40, 28, 73, 16), (78, 90, 12, 34)]] +
             ["07 %02d %02d %02d %02d" % (a, b, c, d) for a, b, c, d in
              [(58, 12, 36, 90), (44, 91, 20, 18), (82, 14, 63, 59), (51, 34, 68, 2), (44, 12, 58, 90)]],
    "pseudo": ["Loup74", "Bichette56", "Zorro13", "Chaton35", "Rocco", "Lulu_Nantes", "TonyMtp", "Perle",
               "Sirène", "Nounours", "Tigre_75", "Kiki_Marseille", "Plume29", "Xx_Shadow", "BlondeDu59",
               "DocteurSexy", "Moustache33", "Mimi_06", "Jojo", "Maxou"],
    "workplace": ["la Fnac", "le Décathlon", "la CAF", "la mairie", "le Carrefour", "l'hôpital", "la Poste",
                  "le Leroy Merlin", "la pharmacie du centre", "le Crédit Agricole", "l'Intermarché", "la crèche municipale"],
    "app": ["Snap", "Insta", "WhatsApp", "Telegram", "Discord", "TikTok", "Signal", "Messenger"],
    "classe": ["en 6e", "en 5e", "en 4e", "en 3e", "en quatrième", "en troisième", "en cinquième", "en seconde", "au collège"],
    "age_minor": ["11", "12", "13", "14", "15"],
    "age_adult": ["19", "22", "25", "28", "31", "34", "38", "42", "45", "51", "57", "63", "69"],
    "gift": ["une recharge de forfait", "des V-Bucks", "une carte cadeau Sephora", "un iPhone", "des baskets",
             "des AirPods", "des skins Fortnite", "des Robux", "20 euros sur ton compte", "une place de concert"],
    "flatter": ["tu fais tellement mature pour ton âge", "t'es bien plus intelligente que les filles de ton âge",
                "tu es la plus jolie de ton collège, j'en suis sûr", "t'es pas comme les autres, t'es spéciale",
                "les garçons de ta classe sont des gamins à côté de toi", "tu as l'air d'une vraie femme déjà",
                "t'es trop mignonne quand tu parles de ton collège"],
    "secret": ["dis rien à tes parents", "efface nos messages ce soir", "c'est notre petit secret",
               "mets-moi sous un faux nom dans ton téléphone", "ne parle pas de moi à tes copines",
               "supprime la conversation après avoir lu", "tes parents comprendraient pas"],
    "meet": ["on pourrait se voir mercredi après les cours", "je peux venir te chercher devant ton collège",
             "dis à ta mère que tu dors chez une copine et viens chez moi", "retrouve-moi samedi à la gare, viens seule",
             "je t'attends au parc derrière ton collège", "je passe te prendre en voiture au coin de ta rue"],
    "drug": ["beuh", "shit", "coke", "C", "MD", "taz", "kétamine", "3-MMC", "champis", "LSD", "résine",
             "ecsta", "weed", "frappe", "blanche", "Xanax"],
    "drug_art": ["de la beuh", "du shit", "de la coke", "de la C", "de la MD", "des taz", "de la kétamine",
                 "de la 3-MMC", "des champis", "du LSD", "de la résine", "de l'ecsta", "de la weed", "de la frappe",
                 "du Xanax"],
    "drug_def": ["la beuh", "le shit", "la coke", "la MD", "les taz", "la kétamine", "la 3-MMC", "les champis",
                 "le LSD", "la résine", "l'ecsta", "la weed", "le crack", "l'héroïne"],
    "drug_plain": ["cocaïne", "cannabis", "héroïne", "crack", "MDMA", "kétamine", "résine de cannabis"],
    "when_event": ["ce soir", "demain", "samedi", "vendredi soir", "lundi", "cette nuit", "jeudi",
                   "ce weekend", "dimanche", "mercredi après-midi"],
    "when_past": ["hier soir", "ce matin", "samedi", "dans le métro", "au boulot", "au supermarché",
                  "dans le bus", "à la sortie du stade", "devant l'école de mes enfants"],
    "age_student": ["19", "20", "21", "22", "23", "24", "25", "27", "29", "31", "34", "42"],
    "kid_any": ["commence le judo", "veut un téléphone", "prépare son spectacle de danse",
                "est invitée à un anniversaire samedi", "a un contrôle de maths demain", "part en colo cet été",
                "a eu la varicelle", "apprend la guitare", "a gagné son match de foot", "lit Harry Potter en boucle"],
    "school_job": ["CPE", "surveillant", "prof de maths", "infirmière scolaire", "agent d'entretien",
                   "documentaliste", "cuisinier à la cantine", "prof d'anglais", "secrétaire de direction", "AESH"],
    "price": ["10", "15", "20", "25", "30", "40", "50", "60", "70", "80"],
    "unit": ["le gramme", "le cachet", "la barrette", "les 5 g", "les 10 g", "le sachet", "le carton"],
    "deliver": ["livraison rapide", "je me déplace", "livraison 7j/7", "discrétion assurée",
                "menu en pv", "livraison jusqu'à 3h", "envoi par la poste", "contact sur Snap"],
    "emoji_menu": ["🍃", "❄️", "💊", "🍫", "🍄", "🍃❄️", "❄️💊", "🍃🍫", "🍃❄️💊", "🥦"],
    "group": ["les Arabes", "les Noirs", "les juifs", "les musulmans", "les Roms", "les homos", "les trans",
              "les lesbiennes", "les migrants", "les Asiatiques", "les Chinois", "les Africains",
              "les handicapés", "les Maghrébins", "les Turcs", "les Gitans", "les réfugiés", "les Comoriens",
              "les Antillais", "les autistes", "les gays", "les Juifs", "les Pakistanais", "les Sénégalais"],
    "dehum": ["des rats", "de la vermine", "des cafards", "des parasites", "un cancer", "des animaux",
              "une maladie", "des sauterelles", "des chiens", "des sous-hommes", "des déchets"],
    "contempt": ["tous des voleurs", "incapables de s'intégrer", "une plaie pour ce pays", "inférieurs à nous",
                 "bons à rien", "tous des fainéants", "une race de profiteurs", "trop bêtes pour travailler",
                 "dangereux par nature", "pas des vrais humains"],
    "exclude": ["n'ont rien à faire en France", "devraient être expulsés jusqu'au dernier",
                "ne devraient pas avoir le droit de voter", "devraient être interdits de travailler avec des enfants",
                "devraient être fichés", "ne devraient pas pouvoir louer un appartement ici"],
    "room": ["salon Cuisine", "salon Sport", "salon Musique", "salon Bretagne", "salon Paris", "salon Lyon",
             "salon Cinéma", "salon Jeux vidéo", "salon Randonnée", "salon Seniors", "salon Foot", "salon Nord"],
    "kill": ["te planter", "te buter", "t'égorger", "te crever", "te tirer une balle", "te défoncer le crâne",
             "te noyer", "t'étrangler", "te brûler vif", "te découper"],
    "when": ["ce soir", "demain", "samedi", "à la sortie de ton boulot", "quand tu rentreras chez toi",
             "la prochaine fois que je te croise", "avant la fin de la semaine", "cette nuit"],
    "place_worship": ["la mosquée", "la synagogue", "l'église", "le temple protestant", "la salle de prière",
                      "la cathédrale", "le centre culturel musulman", "la pagode"],
    "school": ["le lycée", "le collège", "la fac", "l'école", "l'IUT", "le lycée pro"],
    "game": ["FIFA", "Mario Kart", "Valorant", "Call of Duty", "Smash Bros", "Rocket League", "Tekken",
             "League of Legends", "Fortnite", "la belote", "la pétanque", "Street Fighter"],
    "game_verb": ["détruire", "massacrer", "exploser", "démolir", "tuer", "écraser", "pulvériser", "atomiser"],
    "team": ["le PSG", "l'OM", "l'OL", "Lens", "Rennes", "Nantes", "le Stade Toulousain", "Monaco", "Brest", "les Bleus"],
    "score": ["4-0", "3-0", "5-1", "2-0", "6-2", "3-1"],
    "substance": ["du GHB", "des somnifères", "des cachets", "une poudre", "des gouttes", "des calmants"],
    "target_f": ["ma copine", "ma femme", "la nouvelle de l'équipe", "ma collègue", "la fille de la soirée",
                 "ma coloc", "la serveuse", "ma voisine", "la stagiaire"],
    "sv_plan": ["quand elle dort vous pourrez venir", "après elle sera à nous", "elle se souviendra de rien",
                "je vous envoie le code de la porte quand elle bouge plus", "on sera trois à passer",
                "je la ramène chez moi et j'en profite"],
    "url": ["papote-verif.info/login", "laposte-colis-suivi.xyz", "ameli-rembourse.top",
            "iphone-gagnant.click", "netflix-aide.net", "banque-securite-client.com", "impots-remb.org",
            "cadeau-amazon-fr.top", "compte-cpf-gratuit.fr", "antai-amende-paiement.com"],
    "coupon": ["PCS", "Transcash", "Neosurf", "Paysafecard", "Google Play", "iTunes", "Steam"],
    "amount": ["50", "100", "150", "200", "250", "300", "500", "800", "1000", "1500"],
    "pretext": ["ma mère est à l'hôpital", "je suis bloquée à l'aéroport", "mon compte est bloqué",
                "la douane a bloqué mon colis", "je dois payer mon visa", "mon téléphone est cassé",
                "l'huissier vient demain", "mon billet d'avion a été annulé"],
    "platform": ["Insta", "TikTok", "YouTube", "Twitch", "OnlyFans", "MYM", "Snap", "Fansly", "Kick"],
    "handle": ["lea_lifestyle", "max_gaming_fr", "cuisine_de_mamie", "julie_fit", "kev_streams", "sophie.mode",
               "bons_plans_du_jour", "memes_de_france", "voyages_de_tom", "nails_by_clara"],
    "cta": ["abonnez-vous", "lien dans ma bio", "follow pour follow", "promo -50 % ce weekend",
            "je suis en retour", "venez nombreux", "partagez svp", "giveaway ce soir"],
    "insult": ["connard", "pauvre conne", "abruti", "grosse merde", "sale boulet", "raté", "minable",
               "crétin", "pétasse", "bouffon", "tocard", "pauvre type", "débile"],
    "insult_tail": ["personne te supporte", "ferme ta gueule", "dégage du salon", "t'as aucune vie",
                    "retourne chez ta mère", "tout le monde se fout de toi", "tu fais pitié"],
    "body": ["avec tes kilos en trop", "avec ton gros nez", "avec tes dents pourries", "avec ta calvitie",
             "avec ton gros cul", "avec tes boutons", "maigre comme un clou", "avec ta tête de cheval"],
    "explicit": ["qui veut me sucer ce soir", "je suis tout nu devant ma cam", "qui veut se faire prendre ce soir",
                 "je me branle en lisant vos messages", "je cherche une salope à baiser",
                 "je veux vous montrer ma bite", "je suis trempée, qui veut m'aider",
                 "qui veut un plan cul rapide dans sa voiture"],
    "ex_name": ["mon ex", "mon ancienne copine", "ma femme", "ma copine", "la serveuse du bar", "ma collègue",
                "ma voisine", "ma belle-sœur"],
    "ncii_act": ["je les poste ce soir", "je les envoie à tous ses contacts", "qui veut les voir en privé ?",
                 "je les échange contre les vôtres", "je les mets sur un site avec son nom",
                 "je les balance sur le groupe de sa boîte"],
    "study": ["en master 1 de droit", "en licence de psycho", "en BTS MCO", "en L3 d'histoire", "en M2 de finance",
              "en école d'infirmière", "en BUT info", "en thèse de chimie", "en licence pro RH",
              "en prépa HEC", "en CAP cuisine", "en alternance bac+5", "en DUT GEA", "en master MEEF"],
    "job": ["infirmière", "prof de collège", "boulanger", "chauffeur de bus", "développeur", "aide-soignante",
            "électricien", "comptable", "pharmacienne", "pompier", "avocate", "caissière", "kiné", "agriculteur"],
    "kid_activity": ["rentre en 6e lundi", "a eu son brevet", "commence le judo", "fait sa rentrée en CP",
                     "passe en 4e", "a perdu sa première dent", "part en colo cet été", "a un contrôle de maths",
                     "veut un téléphone", "a eu sa ceinture jaune", "prépare son spectacle de danse",
                     "est invitée à un anniversaire samedi"],
    "child": ["ma fille", "mon fils", "ma nièce", "mon neveu", "mon petit-fils", "ma petite-fille", "ma filleule"],
    "past_memory": ["je passais mes étés chez ma grand-mère", "j'ai eu mon premier vélo", "j'ai été harcelé au collège",
                    "je voulais devenir pompier", "j'écoutais du rock dans ma chambre", "j'ai déménagé à Paris",
                    "je suis tombée amoureuse de mon prof de musique, comme toute la classe", "j'ai eu mon brevet",
                    "j'ai commencé le foot", "j'ai fumé ma première cigarette, erreur"],
    "biz": ["le restaurant Chez Marcel", "la boulangerie Au Bon Pain", "la pharmacie du Marché", "le bar Le Chat Noir",
            "la librairie Les Mots", "le garage du Centre", "la médiathèque", "le cinéma Le Méliès",
            "la piscine municipale", "le Planning familial", "la salle d'escalade", "le kiné du quartier"],
    "biz_desc": ["ils sont super", "ouvert le dimanche", "je recommande", "les prix sont corrects",
                 "accueil adorable", "réservez avant", "ouvert jusqu'à 22h", "parking gratuit à côté"],
    "helpline": ["le 3018 pour le cyberharcèlement", "le 119 pour l'enfance en danger", "le 3919 pour les violences conjugales",
                 "le 3114 si tu as des idées suicidaires", "le 17 en cas d'urgence", "le 15 pour le SAMU",
                 "Drogues Info Service au 0 800 23 13 13", "le 114 par SMS si tu ne peux pas parler"],
    "slur": ["sale bougnoule", "sale négro", "sale pédé", "sale gouine", "sale bridé", "sale youpin",
             "sale romano", "espèce de mongol", "sale travelo", "sale bicot"],
    "news_event": ["la rafle du Vel d'Hiv", "le génocide des Tutsis", "la Shoah", "l'attentat du Bataclan",
                   "le procès de Mazan", "le massacre de Srebrenica", "l'attentat de Christchurch",
                   "l'assassinat de Samuel Paty", "l'affaire Outreau", "le génocide arménien"],
    "media": ["un documentaire", "un podcast", "un livre", "une série", "un reportage", "un article du Monde"],
}

SLOT_RE = re.compile(r"\{([a-z_]+?)\d?\}")


VOWEL_CITIES = [c for c in S["city"] if c[0] in "AEIOUÉ"]
SENT_RE = re.compile(r"([.?!] )([a-zàâçéèêëîïôûù])")


def tidy(text):
    """French elision/contraction after slot filling and sentence-initial capitals."""
    text = text.replace("à Le Havre", "au Havre").replace("de Le Havre", "du Havre")
    for c in VOWEL_CITIES:
        text = text.replace("de " + c, "d'" + c)
    text = SENT_RE.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    return text[0].upper() + text[1:]


def fill(rng, tpl):
    return tidy(SLOT_RE.sub(lambda m: rng.choice(S[m.group(1)]), tpl))


def gen(rng, rows, seen, label, kind, channel, templates, n, extra=None):
    made, tries = 0, 0
    while made < n and tries < n * 60:
        tries += 1
        text = fill(rng, rng.choice(templates))
        if text in seen:
            continue
        seen.add(text)
        row = {"text": text, "channel": channel, "label": label, "kind": kind + "_tpl"}
        if extra:
            row.update(extra)
        rows.append(row)
        made += 1


def spec():
    """(label, kind, channel, templates, n, extra) for every block."""
    B = []
    # ---------- child_safety
    B += [
        ("child_safety", "adult_pursues_minor", "dm", [
            "T'as {age_minor} ans ? Parfait, envoie-moi une photo de toi en sous-vêtements, {secret}.",
            "Tu es {classe} et alors, je veux te voir nue en cam ce soir, {secret}.",
            "Ça me dérange pas que tu sois {classe}, je veux coucher avec toi, {meet}.",
            "À {age_minor} ans t'es déjà bien formée, montre-moi ton corps sur {app}.",
            "Je sais que t'as {age_minor} ans, mais envoie une photo de tes seins et je t'offre {gift}.",
            "Tu m'as dit que t'étais {classe}, enlève ton haut devant la cam, {secret}.",
        ], 110, {"sender_age": 39, "recipient_age": 14}),
        ("child_safety", "csam_request", "room", [
            "Qui a des vidéos de gamines de {age_minor} ans ? Je paie en {coupon}, contact sur {app}.",
            "Je cherche des photos de collégiennes nues de {age_minor} ans, échange possible, {app} en privé.",
            "Échange de photos d'enfants ce soir sur {app}, groupe privé, preuve exigée.",
            "Vends pack de vidéos d'enfants de moins de {age_minor} ans, {amount} euros en {coupon}.",
            "Qui a le lien du groupe {app} de pizza 🍕 jeune ? Je cherche moins de {age_minor} ans.",
            "Du cp frais dispo, {amount} euros le dossier, paiement {coupon}, écrivez-moi sur {app}.",
        ], 100, None),
    ]
    # ---------- grooming
    B += [
        ("grooming", "grooming_combo", "dm", [
            "T'es {classe} ? Ça me dérange pas, {flatter}. Par contre {secret}.",
            "Tu as quel âge en vrai, {age_minor} ? {flatter}, on continue sur {app} ?",
            "{flatter}, je peux t'offrir {gift} si tu veux, mais {secret}.",
            "Tu es {classe} c'est ça ? Donne-moi ton {app}, {secret}.",
            "{flatter}. {meet}, mais {secret}.",
            "Je t'envoie {gift} ce soir, en échange tu m'ajoutes sur {app}, et {secret}.",
            "En quelle classe tu es ? {classe} ? Trop bien, {flatter}, on se parle sur {app} ?",
            "Tes parents te comprennent pas, moi si, {flatter}. {meet}.",
            "Allume ta cam ce soir quand tes parents dorment, {flatter}, {secret}.",
            "Envoie-moi un selfie de toi avant de dormir, {flatter}, et {secret}.",
        ], 220, {"sender_age": 43, "recipient_age": 14}),
    ]
    # ---------- sexual_violence
    B += [
        ("sexual_violence", "drugging_plan", "dm", [
            "Je vais mettre {substance} dans le verre de {target_f} {when_event}, {sv_plan}.",
            "{target_f} sera endormie {when_event} grâce à {substance}, {sv_plan}, qui est dispo à {city} ?",
            "Cherche mecs discrets sur {city} pour {when_event}, {target_f} aura pris {substance}, {sv_plan}.",
            "J'ai trouvé {substance} pour {target_f}, {when_event} on passe à l'action, {sv_plan}.",
        ], 140, None),
        ("sexual_violence", "rape_threat_endorse", "dm", [
            "Continue à m'ignorer et je vais te violer {when}, tu l'auras cherché.",
            "Je sais où tu habites à {city}, {when} je te prends de force.",
            "Une fille qui boit autant, faut pas qu'elle pleure si elle se fait violer, c'est mérité.",
            "Quand elle dort elle dit pas non, donc c'est oui, c'est ma règle avec {target_f}.",
            "Si tu couches pas avec moi {when_event}, je raconte à tout le monde que tu t'es jetée sur moi.",
        ], 80, None),
    ]
    # ---------- ncii
    B += [
        ("ncii", "ex_nudes_tpl", "room", [
            "J'ai les nudes de {ex_name} {fname} de {city}, {ncii_act}.",
            "{ex_name} m'a quitté, j'ai ses vidéos intimes, {ncii_act}.",
            "Qui a les photos nues de {fname}, la fille de {workplace} à {city} ? Son ex les a balancées.",
            "J'ai filmé {ex_name} sans qu'elle sache, {ncii_act}.",
            "Je fais des deepfakes nus de n'importe quelle fille, envoyez sa photo Insta et son prénom, {price} euros l'image.",
        ], 110, None),
        ("ncii", "sextortion_tpl", "dm", [
            "J'ai enregistré ta cam, envoie {amount} euros en {coupon} sinon ta vidéo part à toute ta famille.",
            "Tes nudes seront sur le groupe de {workplace} {when_event} si tu paies pas {amount} euros.",
            "Je connais ton nom et ta ville, {city}, paie {amount} en {coupon} ou je publie ta vidéo.",
            "Reviens avec moi ou tes photos intimes finissent chez ton patron {when_event}.",
        ], 100, None),
    ]
    # ---------- hate
    B += [
        ("hate", "hate_tpl", "room", [
            "{group} sont {dehum}, il faut nettoyer {city}.",
            "{group} sont {contempt}, c'est la vérité.",
            "{group} {exclude}.",
            "Je suis pas raciste mais {group} sont {contempt}.",
            "C'est moi ou {group} sont {contempt} ? Je pose juste la question.",
            "Pourquoi on laisse encore {group} vivre à {city} ? C'est {dehum}.",
            "On va s'occuper de tous {group} de {city}, un par un, ils sont prévenus.",
            "Franchement {group}, c'est {dehum}, rien d'autre.",
            "Mon avis, et j'ai le droit : {group} {exclude}.",
            "Dégage {slur}, retourne d'où tu viens.",
        ], 220, None),
    ]
    # ---------- violence
    B += [
        ("violence", "threat_tpl", "dm", [
            "Je vais {kill} {when}, je sais où tu habites à {city}.",
            "Tu vas crever, je vais {kill} {when}, compte les jours.",
            "Je connais ton adresse, {num} {street}, je viens {kill} {when}.",
            "Va te pendre, personne te regrettera, fais-le {when}.",
            "Tu devrais te suicider {when}, le monde sera plus beau sans toi.",
        ], 120, None),
        ("violence", "attack_tpl", "room", [
            "Il faut brûler {place_worship} de {city} pendant la prière, qui vient {when_event} ?",
            "{when_event} je ramène le fusil de mon père dans {school}, ils vont tous payer.",
            "J'ai le plan de {school} de {city}, {when_event} ce sera un carnage.",
            "Une bombe dans {place_worship} de {city}, voilà ce qu'il faudrait.",
            "Allez tous lyncher ce type à {city} {when_event}, ramenez des barres de fer.",
        ], 100, None),
    ]
    # ---------- drugs
    B += [
        ("drugs", "drug_sale_tpl", "room", [
            "{drug_def} dispo sur {city}, {price} euros {unit}, {deliver}.",
            "{emoji_menu} dispo à {city}, {deliver}, {app} en privé.",
            "Je vends {drug_art} de qualité, {price} {unit}, {deliver} sur {city}.",
            "Qui cherche {drug_art} à {city} ? {price} {unit}, {deliver}.",
            "Menu du soir {emoji_menu} {city}, {drug} à {price} {unit}, {deliver}.",
            "Cherche plan {drug} sur {city} pour {when_event}, je paie cash, {app} en privé.",
            "Je te fais {unit} de {drug} à {price}, rendez-vous {when_event} derrière la gare de {city}.",
        ], 200, None),
    ]
    # ---------- personal_data
    B += [
        ("personal_data", "doxx_tpl", "room", [
            "{pseudo} c'est {mname} {lname}, il habite au {num} {street} à {city}, allez lui rendre visite.",
            "Le numéro de {pseudo} : {phone}, appelez-la toute la nuit.",
            "{pseudo} s'appelle en vrai {fname} {lname}, elle bosse à {workplace} de {city}, faites tourner.",
            "Qui peut me trouver l'adresse de {fname} qui travaille à {workplace} de {city} ? Je paie.",
            "Voilà l'adresse de {mname} {lname} : {num} {street}, {city}. Lâchez-vous.",
            "Mon numéro c'est le {phone}, j'habite {num} {street} à {city}, passez quand vous voulez.",
            "Je sais que tu t'appelles {fname} {lname} et que tu vis à {city}, je poste ton adresse partout {when}.",
        ], 200, None),
    ]
    # ---------- scam
    B += [
        ("scam", "scam_tpl", "room", [
            "Félicitations, vous avez gagné ! Réclamez votre lot sur {url} avant ce soir.",
            "Votre compte va être suspendu, confirmez vos identifiants sur {url}.",
            "Envoie-moi un code {coupon} de {amount} €, {pretext}, je te rembourse demain.",
            "Mon amour, {pretext}, peux-tu m'envoyer {amount} € en {coupon} ?",
            "Investissez {amount} € sur ma plateforme crypto et recevez le triple en une semaine, lien sur {app}.",
            "Escort disponible sur {city}, tarifs en pv, paiement d'avance en {coupon}.",
            "Jolie femme dispo ce soir à {city} contre 💶, {price}0 € l'heure, écris-moi sur {app}.",
            "Donne-moi ton mot de passe et je t'offre {gift}, promis.",
        ], 200, None),
    ]
    # ---------- spam
    B += [
        ("spam", "spam_tpl", "room", [
            "Suivez mon {platform} @{handle}, {cta} !",
            "🔥 {cta} 🔥 mon {platform} @{handle} 🔥",
            "Nouveau contenu sur mon {platform}, {cta}, @{handle}.",
            "Rejoignez mon serveur Discord, {cta}, lien en privé.",
            "Promo sur ma boutique en ligne, code {handle} pour -20 %, {cta}.",
            "Transférez ce message à 10 personnes sinon malheur, {cta}.",
            "Up ! {platform} @{handle}, {cta}, up !",
        ], 200, None),
    ]
    # ---------- harassment
    B += [
        ("harassment", "harass_tpl", "dm", [
            "T'es qu'un {insult}, {insult_tail}.",
            "Espèce de {insult}, {body} personne voudra de toi.",
            "{body}, t'as cru que t'avais une chance ? {insult_tail}.",
            "Réponds-moi, {insult}, je vais t'écrire toute la nuit jusqu'à ce que tu craques.",
            "Je vais te pourrir la vie, {insult}, {insult_tail}.",
            "Retourne à ta cuisine, {insult}, les femmes n'ont rien à dire ici.",
        ], 200, None),
    ]
    # ---------- sexual_content
    B += [
        ("sexual_content", "explicit_tpl", "room", [
            "Salut le {room}, {explicit} ?",
            "Dans le {room} : {explicit}, je suis à {city}.",
            "{explicit}, les filles du {room} ?",
        ], 110, None),
        ("sexual_content", "unsolicited_tpl", "dm", [
            "Salut {fname}, on se connaît pas mais {explicit}, je t'envoie une photo ?",
            "Je t'ai vue dans le {room}, {explicit}, réponds vite.",
            "Bonsoir, {explicit}, t'es dispo {when_event} ?",
        ], 100, None),
    ]
    # ================= BENIGN hard negatives
    B += [
        ("benign", "counter_speech", "room", [
            "Un type m'a traité de \"{slur}\" {when_past}, j'ai porté plainte, c'est inadmissible.",
            "Dire que {group} sont {dehum}, c'est exactement le discours qui mène aux pires horreurs, je signale.",
            "Quelqu'un a écrit \"{group} sont {contempt}\" dans le {room}, j'ai signalé, faites pareil.",
            "Non, {group} ne sont pas {contempt}, c'est un cliché haineux démonté par toutes les études.",
            "Je suis fatigué d'entendre que {group} {exclude}, c'est de la discrimination pure.",
            "Mon collègue s'est fait traiter de \"{slur}\" au travail, on a fait un signalement aux RH.",
        ], 260, None),
        ("benign", "news_history", "room", [
            "J'ai découvert {media} sur {news_event}, c'est bouleversant, il faut transmettre cette mémoire.",
            "En cours on a étudié {news_event}, mes élèves avaient beaucoup de questions.",
            "{media} sur {news_event} m'a appris beaucoup de choses que j'ignorais.",
            "Le procès d'un réseau de trafic de {drug_plain} s'est ouvert à {city}, c'est dans le journal.",
            "Un homme a été condamné à {city} pour avoir menacé de mort sa voisine, la justice a bien fait.",
        ], 200, None),
        ("benign", "prevention_health", "room", [
            "Faites gaffe en soirée à {city}, {substance} dans les verres ça existe, gardez votre verre en main.",
            "Si tu prends {drug_art} en festival, bois de l'eau et reste avec tes potes, et appelle le 15 en cas de malaise.",
            "J'ai arrêté {drug_def} depuis {age_student} mois, je suis fier, ça se fait avec de l'aide.",
            "Pour toute question sur {drug_def}, appelez Drogues Info Service, c'est gratuit et anonyme.",
            "Dépistage gratuit au CeGIDD de {city}, j'y suis allé, personnel super bienveillant.",
            "On m'a mis {substance} dans mon verre à {city}, je vais aux urgences, c'est quoi les démarches ?",
        ], 240, None),
        ("benign", "helpline", "room", [
            "Rappel : {helpline}, n'hésitez pas.",
            "Si ça va pas, {helpline}, c'est gratuit.",
            "Pour info, {helpline}, je l'ai appelé l'an dernier et ça m'a aidé.",
        ], 40, None),
        ("benign", "gaming_sport_hyperbole", "room", [
            "Je vais te {game_verb} à {game} {when_event}, prépare-toi à pleurer !",
            "On les a massacrés {score}, {team} était injouable !",
            "{team} s'est fait {game_verb} {score}, quelle soirée.",
            "J'ai enfin tué le boss final, je vais {game_verb} tout le monde à {game} maintenant.",
            "Ma copine m'a fait {game_verb} à {game}, je m'en remettrai jamais, mdr.",
        ], 240, None),
        ("benign", "flirt_adults", "dm", [
            "T'es canon sur ta photo, on se boit un verre {when_event} à {city} ?",
            "J'ai adoré notre soirée, tu es une bombe, on se revoit {when_event} ?",
            "Toi aussi tu me plais, viens dîner chez moi {when_event}, je cuisine.",
            "Comme promis, voilà mon {app}, on cale notre rendez-vous à {city} {when_event}.",
            "J'ai {age_student} ans, toi aussi si j'ai bien lu ton profil, on se voit {when_event} ?",
        ], 220, None),
        ("benign", "parents_teachers", "room", [
            "{child} de {age_minor} ans {kid_any}, je suis fière !",
            "{child} {kid_activity}, vous avez des conseils ?",
            "Je suis {job} et {child} de {age_minor} ans {kid_any}.",
            "Je suis prof au collège à {city}, mes élèves de {age_minor} ans sont adorables cette année.",
            "Parents, un adulte a demandé la classe de {child} sur {app}, on a bloqué et signalé, soyez vigilants.",
        ], 240, None),
        ("benign", "past_age", "room", [
            "Quand j'avais {age_minor} ans, {past_memory}.",
            "À {age_minor} ans {past_memory}, maintenant j'en ai {age_adult}.",
            "Je me souviens, à {age_minor} ans à {city}, {past_memory}.",
        ], 120, None),
        ("benign", "studies_jobs_adult", "room", [
            "J'ai {age_student} ans, je suis {study} à {city}, les partiels approchent.",
            "Je suis {study}, quelqu'un d'autre ici ?",
            "Je suis {job} à {city} depuis dix ans, j'adore mon métier.",
            "Après mon bac+5, je suis devenue {job}, comme quoi tout mène à tout.",
            "Je bosse dans un lycée à {city} comme {school_job}, les élèves sont sympas.",
        ], 220, None),
        ("benign", "business_address", "room", [
            "{biz} est au {num} {street} à {city}, {biz_desc}.",
            "Je recommande {biz}, {num} {street}, {city}, {biz_desc}.",
        ], 100, None),
        ("benign", "victim_help", "room", [
            "Quelqu'un a posté mon adresse à {city}, comment je contacte la modération ?",
            "Mon ex menace de publier mes photos, {helpline}, c'est ça ?",
            "On me demande {amount} € en {coupon} sinon ma vidéo sera publiée, je ne paie pas, je porte plainte.",
            "Un profil m'a demandé {amount} € parce que {pretext}, c'est une arnaque non ?",
            "Je reçois des insultes en privé depuis trois jours, j'ai fait des captures, que faire ?",
        ], 150, None),
        ("benign", "scam_spam_warning", "room", [
            "Attention, si on vous demande un code {coupon}, c'est une arnaque, ne payez jamais.",
            "Ne cliquez pas sur {url}, c'est du phishing, je l'ai signalé.",
            "Le compte qui spamme son {platform} dans tous les salons a été banni, merci les modos.",
            "Ma mère a reçu un faux SMS avec le lien {url}, heureusement elle m'a demandé avant.",
        ], 100, None),
        ("benign", "political_opinion", "room", [
            "Je pense que la politique d'immigration à {city} manque de moyens, mais je respecte l'avis contraire.",
            "Je suis contre la légalisation de {drug_def}, c'est mon opinion, on peut en débattre calmement.",
            "Je suis pour la légalisation du cannabis, le trafic à {city} est devenu dingue.",
            "Les élus de {city} sont incompétents sur le logement, il faut changer de politique.",
        ], 80, None),
        ("benign", "ordinary", "room", [
            "Bonjour le {room}, il fait beau à {city} aujourd'hui !",
            "Salut tout le monde, je suis {job} à {city}, contente d'être là.",
            "Quelqu'un connaît un bon resto à {city} ? Je viens d'emménager.",
            "Bonne soirée le {room}, à demain !",
            "Qui regarde {team} {when_event} ? Je parie sur un {score}.",
            "J'ai {age_adult} ans et je découvre ce site, bonjour le {room} !",
        ], 260, None),
        ("benign", "adult_room_consensual", "dm", [
            "Comme on se l'est dit, j'ai très envie de toi {when_event}, tu viens à 21h ?",
            "Merci pour hier soir, c'était intense, on remet ça {when_event} ?",
            "Tu m'as demandé mes fantasmes, alors je te réponds : j'adore quand tu m'embrasses dans le cou.",
        ], 60, {"room_adult": True}),
        ("benign", "sex_education", "room", [
            "Le consentement, c'est oui clairement et à tout moment, et ça peut se retirer.",
            "Dépistage des IST : le CeGIDD de {city} est gratuit, faites-le régulièrement.",
            "J'ai expliqué à {child} de {age_minor} ans ce qu'est le consentement, avec un livre adapté à son âge.",
            "Une personne endormie ou ivre ne peut pas consentir, point, c'est la loi.",
        ], 60, None),
    ]
    return B


def main():
    rng = random.Random(SEED)
    rows, seen = [], set()
    for label, kind, channel, templates, n, extra in spec():
        kind = kind[:-4] if kind.endswith("_tpl") else kind
        gen(rng, rows, seen, label, kind, channel, templates, n, extra)
    with open(OUT, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    for k in sorted(counts):
        print(k, counts[k])
    print("total", len(rows))


if __name__ == "__main__":
    main()
