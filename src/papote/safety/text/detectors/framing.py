"""How a message frames the harmful words it carries: context, not content.

The same words are an attack or not depending on the frame: "sale X" thrown at someone
is hate, "il m'a traité de sale X, j'ai porté plainte" is a victim speaking; "je vais te
détruire" is a threat, "je vais te détruire à FIFA ce soir" is a game; "le GHB dans un
verre" is a crime when planned and prevention when warned against. This detector names
the frame as features that the rule packs use as exceptions (``unless``):

- ``$reported``: reported speech, the sender quotes what someone else said or called them
  ("il m'a traité de", "on m'a dit", "se faire traiter de");
- ``$counter_speech``: the sender condemns what is quoted ("c'est raciste", "j'ai porté
  plainte", "dire ... c'est", "inacceptable", "je l'ai signalé");
- ``$news``: news, justice, history, a book or a film ("a été condamné", "selon le
  journal", "le procès", "pendant la guerre");
- ``$game``: games and sport, where "détruire", "massacrer", "tuer" are hyperbole ("à
  FIFA", "le match", "ce boss", a score "4-0");
- ``$compliment``: praise that borrows violent words ("t'es une bombe", "une tuerie",
  "ce film m'a tué");
- ``$prevention``: prevention, health and harm reduction ("faites gaffe à vos verres",
  "c'est dangereux", "arrêter", "drogues info service");
- ``$negated``: the harmful act is denied ("je vais pas te frapper", "je vends pas").

It only runs on messages that already hit a rule term (engine.py), and each pattern is
one linear regular expression over the folded text. Quoting to endorse ("comme disait
mon grand-père, ...") is not reported speech.
"""

from __future__ import annotations

import re

_REPORTED = re.compile(
    r"\b(?:il|elle|ils|elles|on|un mec|un gars|une meuf|une fille|quelqu'?\s?un|mon voisin"
    r"|ma voisine|mon collegue|ma collegue|mon chef|mon patron|un client|une cliente|un prof"
    r"|un passant)\s+"
    r"(?:m'?\s?a|m'?\s?ont|t'?\s?a|l'?\s?a|nous a|les a|m'?\s?avait|a)\s+"
    r"(?:traitee?s?|insultee?s?|appelee?s?|dit|ecrit|crie|lance|balance|sorti|envoye|menacee?s?)\b"
    r"|\bse\s+(?:faire|fait|font)\s+traiter\b|\bme\s+faire\s+traiter\b|\ben\s+me\s+traitant\b"
    r"|\bm'?\s?a\s+traitee?\b|\bm'?\s?ont\s+traitee?s?\b|\bj'?\s?ai\s+(?:entendu|lu)\b"
    r"|\bon\s+m'?\s?a\s+(?:dit|traitee?|insultee?)\b|\bon\s+me\s+(?:dit|traite)\b"
)
_ENDORSED = re.compile(
    r"\bcomme\s+(?:dit|disait|disent|le\s+dit|l'?\s?a\s+dit)\b|\bil\s+a\s+raison\b"
)
_COUNTER = re.compile(
    r"\bc'?\s?est\s+(?:du\s+|de\s+l'?\s?)?(?:raciste|racisme|homophob\w*|antisemit\w*|sexiste"
    r"|sexisme|transphob\w*|islamophob\w*|grossophob\w*|validis\w*|inacceptable|inadmissible"
    r"|honteux|une honte"
    r"|degueulasse|ignoble|abject|grave|pas normal|pas ok|interdit|puni|un delit)\b"
    r"|\b(?:porte|porter|deposer?|depose)\s+plainte\b|\bplainte\b"
    r"|\b(?:je\s+l'?\s?ai|je\s+les\s+ai|j'?\s?ai)\s+signale"
    r"|\bsignalez\b|\b(?:propos|insultes?|remarques?|injures?|blagues?)\s+(?:racistes?|homophobes?|sexistes?"
    r"|antisemites?)\b|\bje\s+condamne\b|\bcondamnable\b|\bstop\s+(?:au|a\s+la|aux)\b|\bpharos\b"
    r"|\bon\s+(?:ne\s+)?dit\s+pas\b|\b(?:arrete|arretez|faut\s+arreter)\s+de\s+dire\b|\bfaut\s+pas\s+dire\b"
    r"|\bdire\s+[^.!?]{1,40}\bc'?\s?est\b|\bca\s+me\s+(?:degoute|revolte|choque)\b|\bsoutien\s+(?:a|aux)\s+victimes?\b"
    r"|\b(?:lutte|lutter|se\s+battre)\s+contre\b|\bdiscrimination\b"
)
_NEWS = re.compile(
    r"\b(?:a|ont)\s+ete\s+(?:condamnee?s?|arretee?s?|interpellee?s?|jugee?s?|mise?s?\s+en\s+examen)\b"
    r"|\bcondamnee?s?\s+(?:a|pour)\b|\bselon\s+(?:le|la|les|l')\b|\bd'?\s?apres\s+(?:le|la|les)\s+"
    r"(?:journal|article|enquete|police|presse|media)|\b(?:le|un|au|du)\s+proces\b|\btribunal\b|\bprevenu\b"
    r"|\bjournal\b|\bau\s+jt\b|\barticle\b|\breportage\b|\bdocumentaire\b|\bdocu\b|\benquete\b|\bfait\s+divers\b"
    r"|\baux\s+infos\b|\bbfm\b|\ble\s+monde\b|\bla\s+police\s+a\b|\bhistoire\b|\bhistorien\w*\b|\bcours\s+d'?\s?histoire\b"
    r"|\bpendant\s+la\s+(?:guerre|collaboration|shoah)\b|\bshoah\b|\bholocauste\b|\bgenocide\s+des\b"
    r"|\bdans\s+(?:le|ce|un)\s+(?:film|livre|roman|docu|documentaire|podcast)\b|\bce\s+livre\b|\bce\s+film\b"
)
_GAME = re.compile(
    r"\b(?:a|au|sur|en|aux)\s+(?:la\s+)?(?:fifa|fc\s?2\d|pes|fortnite|cod|call\s+of|warzone|valorant|apex|rocket\s+league"
    r"|mario\s?kart|smash|tekken|street\s+fighter|lol|league|minecraft|among\s+us|clash|brawl|echecs|belote"
    r"|coinche|tarot|poker|uno|monopoly|scrabble|babyfoot|baby|ping\s?pong|padel|tennis|basket|foot|five"
    r"|hand|rugby|badminton|bowling|billard|flechettes|petanque|la\s+play|la\s+switch|la\s+manette|ranked"
    r"|1v1|un\s+contre\s+un|la\s+revanche|la\s+belle|quiz|blind\s+test|trivial|karaoke|la\s+course)\b"
    r"|\b(?:le|ce|au|du|un|leur|notre|quel)\s+(?:match|derby|boss|tournoi|championnat|classico|niveau|donjon|raid)\b"
    r"|\b(?:la|une|cette)\s+(?:partie|game|manche|finale|demi\s+finale|revanche)\b|\ben\s+finale\b"
    r"|\bsur\s+le\s+terrain\b|\bligue\s+(?:1|2|des\s+champions)\b|\bfifa\b|\bfortnite\b|\bwarzone\b"
    r"|\b\d{1,2}\s*(?:-|a|à)\s*\d{1,2}\b(?!\s*(?:ans|h|heures?|euros?|e|eur|balles|g|gr)\b)"
)
_COMPLIMENT = re.compile(
    r"\b(?:t'?\s?es|tes|tu es|t'?\s?etais|elle est|il est|c'?\s?est|ce\s+\w+\s+est|vous\s+etes)\s+"
    r"(?:une?\s+)?(?:vraie?\s+|trop\s+|grave\s+|tellement\s+)?(?:bombe|tuerie|canon|dinguerie|bombe\s+atomique"
    r"|de\s+la\s+bombe|mortel|mortelle|a\s+tomber|une\s+tuerie|une\s+bombe)\b"
    r"|\b(?:m'?\s?a|m'?\s?ont|me)\s+(?:tuee?|achevee?)\b(?!\s+(?:a|avec)\s+(?:coups|couteau))"
    r"|\bmort\s+de\s+rire\b|\bca\s+tue\b|\btu\s+me\s+tues\b|\bune\s+tuerie\s+(?:ce|cette|ton|ta)\b"
)
_PREVENTION = re.compile(
    r"\bprevention\b|\breduction\s+des\s+risques\b|\brdr\b|\bfaites?\s+(?:gaffe|attention)\b"
    r"|\bfais\s+(?:gaffe|attention)\b|\battention\s+(?:a|au|aux)\b|\bmefie[zs]?\s+vous\b|\bmefie\s+toi\b"
    r"|\bsurveille[zs]?\s+(?:vos|ton|ta|tes|votre)\b|\b(?:vos|ton|votre)\s+verres?\b|\bcouvre[zs]?\s+(?:ton|vos|votre)\b"
    r"|\b(?:c'?\s?est|c\s+super|c\s+tres|est)\s+(?:tres\s+|super\s+|hyper\s+|vraiment\s+)?dangereu\w*\b"
    r"|\bdanger\w*\b|\boverdose\b|\baddict\w*\b|\baccro\b|\bsevrage\b|\bdesintox\b|\bdecrocher\b"
    r"|\barreter\b|\bj'?\s?ai\s+arrete\b|\bdrogues?\s+info\s+service\b|\bcsapa\b|\bcaarud\b|\baddictolog\w*\b"
    r"|\bdepist\w*\b|\bse\s+faire\s+tester\b|\bmedecin\b|\bsante\b|\bles\s+risques\b|\beffets\s+secondaires\b"
    r"|\bvictimes?\b|\bsoumission\s+chimique\b|\bsi\s+(?:tu\s+te\s+sens|vous\s+vous\s+sentez)\b"
)
_NEGATED = re.compile(
    r"\b(?:je|j'?|on)\s*(?:ne\s+|n'?\s?)?(?:vais|va|veux|vends|vend|deal|livre|fais|ferai|ferais)\s+"
    r"(?:\w+\s+)?(?:pas|jamais|plus|rien)\b(?!\s+(?:cher|chers|chere|mal\s+de|que))"
    r"|\b(?:je|on)\s+(?:ne\s+)?(?:te|t')\s*\w+\s+(?:pas|jamais)\b|\bjamais\s+je\s+(?:ne\s+)?\w+"
)
_FRAMES = (
    ("$counter_speech", _COUNTER),
    ("$news", _NEWS),
    ("$game", _GAME),
    ("$compliment", _COMPLIMENT),
    ("$prevention", _PREVENTION),
    ("$negated", _NEGATED),
)
FRAMING_FEATURES = frozenset({name for name, _ in _FRAMES} | {"$reported"})


def framing_features(folded: str) -> set[str]:
    """The frames of a message (``folded`` from normalise.fold)."""
    found = {name for name, pattern in _FRAMES if pattern.search(folded)}
    if _REPORTED.search(folded) and not _ENDORSED.search(folded):
        found.add("$reported")
    return found
