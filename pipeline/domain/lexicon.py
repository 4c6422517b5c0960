"""English word lists the speaker rules are built from.

These are facts about English news writing, not about any one newsroom, so they
live in code; who is who, and what topics mean, lives in the taxonomy file.
"""

from __future__ import annotations

# Verbs that attribute a statement, position or proposal to their subject.
# Longer phrases come first so that the regex alternation prefers them.
REPORTING_VERBS: tuple[str, ...] = (
    "went on to say", "goes on to say", "went on to add", "pointed out", "points out",
    "called for", "calls for", "calling for", "pushed for", "pushes for", "pushing for",
    "appealed for", "appeals for", "appealing for", "spoke of", "spoke on", "spoke to", "spoke with",
    "spoke about", "speaks of", "speaks to", "speaking to", "speaking on",
    "said", "says", "say", "told", "tells", "added", "adds", "spoke", "stated", "states",
    "proposed", "proposes", "proposing", "acknowledged", "acknowledges", "warned", "warns",
    "insisted", "insists", "denied", "denies", "stressed", "stresses", "noted", "notes",
    "urged", "urges", "urging", "announced", "announces", "confirmed", "confirms",
    "claimed", "claims", "argued", "argues", "accused", "accuses", "vowed", "vows",
    "pledged", "pledges", "explained", "explains", "suggested", "suggests",
    "described", "describes", "dismissed", "dismisses", "rejected", "rejects",
    "welcomed", "welcomes", "condemned", "condemns", "demanded", "demands",
    "promised", "promises", "offered", "offers", "agreed", "agrees", "reiterated", "reiterates",
    "emphasised", "emphasized", "emphasises", "emphasizes", "underlined", "underlines",
    "admitted", "admits", "conceded", "concedes", "revealed", "reveals", "wrote", "writes",
    "tweeted", "tweets", "posted", "replied", "replies", "responded", "responds",
    "answered", "declared", "declares", "predicted", "predicts", "hoped", "hopes",
    "believes", "believed", "expressed", "expresses", "highlighted", "highlights",
    "maintained", "maintains", "alleged", "alleges", "criticised", "criticized",
    "criticises", "criticizes", "praised", "praises", "thanked", "blamed", "blames",
    "briefed", "addressed", "addresses", "asked", "announcing", "recalled", "recalls",
    "estimated", "estimates", "reported", "insisting", "cautioned", "cautions",
    "signalled", "signaled", "indicated", "indicates", "threatened", "threatens",
)

# Participles that introduce a clause ("Speaking with reporters, X said").
CLAUSE_OPENERS: frozenset[str] = frozenset(
    {"asked", "speaking", "addressing", "responding", "writing", "talking", "after", "before", "during",
     "in", "on", "at", "following", "according", "referring", "commenting", "answering", "when", "while"}
)

# Words that may stand between a subject and its verb and are dropped from the subject.
SUBJECT_TRAILERS: frozenset[str] = frozenset(
    {"has", "have", "had", "is", "was", "are", "were", "been", "would", "will", "also", "again", "later",
     "earlier", "then", "previously", "repeatedly", "reportedly", "further", "once", "separately", "now",
     "today", "yesterday", "tonight", "meanwhile", "too", "himself", "herself", "themselves", "itself",
     "publicly", "privately", "openly", "just", "already", "recently", "subsequently", "had", "did",
     "does", "do", "may", "might", "could", "can", "should", "clearly", "firmly", "flatly", "strongly",
     "immediately", "quickly", "briefly", "bluntly", "angrily", "however", "still", "even", "not",
     "never", "turn"}
)

# Words that may open a sentence without being part of the subject.
SUBJECT_LEADERS: frozenset[str] = frozenset(
    {"but", "and", "meanwhile", "however", "also", "separately", "later", "earlier", "now", "then", "so",
     "yet", "today", "still", "instead", "elsewhere", "here", "there", "now", "though", "although"}
)

PASSIVE_AUXILIARIES: frozenset[str] = frozenset({"was", "were", "been", "being", "is", "are", "be"})

PERSONAL_PRONOUNS: dict[str, str | None] = {"he": "male", "she": "female"}
GROUP_PRONOUNS: frozenset[str] = frozenset({"they", "it"})
RELATIVE_PRONOUNS: frozenset[str] = frozenset({"who"})

DETERMINERS: frozenset[str] = frozenset({"the", "a", "an", "his", "her", "its", "their", "this", "that", "one"})

PREPOSITIONS: frozenset[str] = frozenset(
    {"by", "of", "to", "with", "about", "from", "for", "against", "on", "in", "at", "into", "over", "than",
     "between", "among", "toward", "towards", "under", "after", "before", "during", "as", "like"}
)

# Words of a person's title or role: "deputy prime minister", "the UN chief".
ROLE_WORDS: frozenset[str] = frozenset(
    {"president", "vice", "prime", "minister", "deputy", "foreign", "defence", "defense", "interior",
     "finance", "health", "justice", "secretary", "general", "secretary-general", "chief", "spokesman",
     "spokeswoman", "spokesperson", "mayor", "governor", "ambassador", "envoy", "commander", "head",
     "leader", "chancellor", "adviser", "advisor", "aide", "official", "prosecutor", "director",
     "chairman", "chairwoman", "chair", "representative", "coordinator", "commissioner", "king", "queen",
     "pope", "colonel", "lieutenant", "senator", "lawmaker", "negotiator", "diplomat", "top", "senior",
     "former", "acting", "human", "rights", "ombudsman", "ombudsperson", "presidential", "military",
     "regional", "local", "city", "state", "special", "high", "humanitarian", "aid", "relief", "boss",
     "spy", "intelligence", "army", "navy", "defence", "counterpart", "premier", "sheikh", "emir",
     "monarch", "mp", "congressman", "congresswoman", "speaker", "administrator", "officer",
     "correspondent", "reporter", "journalist", "analyst", "expert", "witness", "resident", "survivor",
     "doctor", "nurse", "volunteer", "worker", "official", "officials", "spokespeople", "press",
     "secretary-general's", "chief's", "under-secretary-general", "assistant", "undersecretary",
     "atomic", "energy", "nuclear", "watchdog's", "refugee", "refugees", "emergency", "emergencies",
     "economy", "trade", "digital", "transformation", "reintegration", "occupied", "territories",
     "affairs", "security", "national", "council", "deputy's", "first", "new", "outgoing", "incoming"}
)

# Head nouns of an organisation or a government speaking as one.
ORGANISATION_HEADS: frozenset[str] = frozenset(
    {"ministry", "office", "council", "government", "army", "military", "forces", "police", "administration",
     "agency", "committee", "command", "service", "services", "department", "commission", "court",
     "cabinet", "parliament", "assembly", "authorities", "officials", "kremlin", "embassy", "mission",
     "staff", "headquarters", "spokespeople", "organisation", "organization", "programme", "program",
     "fund", "union", "alliance", "bloc", "coalition", "group", "monitors", "watchdog", "operator",
     "company", "regime", "presidency", "secretariat", "delegation", "negotiators", "prosecutors",
     "investigators", "inspectors", "emergency", "rescuers", "guard", "navy", "directorate"}
)

# Place names that stand for a government when they speak ("Moscow says").
CAPITALS_AND_STATES: frozenset[str] = frozenset(
    {"moscow", "kyiv", "kiev", "washington", "beijing", "london", "paris", "berlin", "ankara", "brussels",
     "tehran", "jerusalem", "damascus", "minsk", "warsaw", "tokyo", "delhi", "new delhi", "cairo",
     "doha", "riyadh", "ukraine", "russia", "china", "turkey", "israel", "iran", "belarus", "poland",
     "germany", "france", "britain", "the uk", "uk", "us", "the us", "usa", "hamas", "hezbollah", "gaza",
     "syria", "sudan", "qatar", "egypt", "india", "pakistan", "japan", "geneva", "vienna", "the hague"}
)

# Nationality and institution qualifiers of a descriptor, mapped to one key.
QUALIFIERS: dict[str, str] = {
    "russia": "russia", "russian": "russia", "russia's": "russia", "moscow's": "russia",
    "kremlin": "kremlin", "kremlin's": "kremlin",
    "ukraine": "ukraine", "ukrainian": "ukraine", "ukraine's": "ukraine", "kyiv's": "ukraine",
    "un": "un", "u.n.": "un", "un's": "un", "united": "un", "nations": "un", "nations'": "un", "nations's": "un",
    "us": "us", "u.s.": "us", "american": "us", "america's": "us", "washington's": "us",
    "turkish": "turkey", "turkey's": "turkey", "french": "france", "france's": "france",
    "german": "germany", "germany's": "germany", "british": "uk", "britain's": "uk", "uk": "uk",
    "chinese": "china", "china's": "china", "israeli": "israel", "israel's": "israel",
    "palestinian": "palestine", "iranian": "iran", "iran's": "iran", "belarusian": "belarus",
    "polish": "poland", "poland's": "poland", "nato": "nato", "nato's": "nato", "eu": "eu", "eu's": "eu",
    "european": "eu", "icc": "icc", "iaea": "iaea", "who": "who", "mariupol's": "mariupol",
    "mariupol": "mariupol", "kharkiv's": "kharkiv", "kharkiv": "kharkiv", "city's": "city",
}

CONTINUATION_OPENERS: frozenset[str] = frozenset({"this", "that", "it", "such", "these", "the"})
CONTINUATION_SUBJECTS: frozenset[str] = frozenset(
    {"proposal", "plan", "idea", "mechanism", "group", "scheme", "initiative", "move", "arrangement",
     "offer", "deal", "measure", "step", "process"}
)
CONTINUATION_MODALS: frozenset[str] = frozenset(
    {"would", "will", "could", "should", "must", "might", "may", "aims", "means", "involves", "includes",
     "requires", "allows", "envisages", "envisions"}
)
