"""The words that say what a question asks for, by reason: a country's status, a national law, a
later meeting, prices and tonnes, health or household advice, mercury science, people and events.
Only patterns live here; assistant/scope.py decides with them."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def country_pattern() -> re.Pattern:
    import pycountry

    names = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            if (n := getattr(c, attr, None)) and len(n) >= 4:
                names.add(n)
    names |= {"Korea", "USA", "UK", "United States", "Britain", "Great Britain", "Russia", "South Korea", "North Korea",
              "Iran", "Vietnam", "Bolivia", "Venezuela", "Tanzania", "Syria", "Laos", "Moldova", "Taiwan",
              "Congo", "Ivory Coast", "Czech Republic", "Turkey", "European Union", "the EU"}
    alternation = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    return re.compile(r"\b(?:" + alternation + r")\b")


STATUS = re.compile(r"\b(?:ratif\w*|signator\w*|signed|join(?:ed|s)?|acce(?:ded|ssion)|become a party|"
                    r"became (?:the|a) \w+ party|holds?|lodged|registered|made a declaration|deposit(?:ed)? (?:its|their)|told|sent|informed|asked|bound by|"
                    r"became a party|is (?:\w+\s){0,3}a party|are (?:\w+\s){0,3}parties|part(?:y|ies) to (?:the|this|that|it)\b|"
                    r"accept(?:ed|s)?|submitted|notified|filed|not yet|so far|withdr[ae]w\w*|status)\b", re.IGNORECASE)
HOW_MANY_PARTIES = re.compile(r"\bhow many (?:\w+ ){0,4}(?:ratif\w*|joined|signed|acceded)\b|"
                              r"\b(?:how many|number of|which|what|list of|list the|who are the)\s+"
                              # ("Until what date could States sign?" asks the treaty's window)
                              r"(?:(?!(?:date|year|day|time|deadline)\b)\w+\s){0,2}"
                              r"(?:countries|parties|states|nations|signatories|governments|country's)\b"
                              r"(?!.{0,40}\b(?:must|shall|may|can|have to|need|required|needed|is|are) "
                              r"(?:to |for |required|needed|do|submit|report|take|allowed))", re.IGNORECASE)
PARTY_CONTEXT = re.compile(r"\b(?:ratif\w*|joined|signed|so far|today|now|currently|yet|to date|at present|"
                           r"have (?:lodged|made|notified|submitted|accepted|registered|sent|told)|hold|submitted|registered|still|"
                           r"as of|count as parties|deposited the|"
                           r"become parties|are parties|signatories)\b", re.IGNORECASE)
# states, provinces and territories whose own laws people ask about
_SUBNATIONAL = ("Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|"
                "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
                "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|North Carolina|"
                "North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|"
                "Texas|Utah|Vermont|Virginia|West Virginia|Wisconsin|Wyoming|Ontario|Quebec|British Columbia|"
                "Alberta|Manitoba|Saskatchewan|Nova Scotia|New Brunswick|Newfoundland|Queensland|New South Wales|"
                "Tasmania|Western Australia")  # (not Victoria: Lake Victoria's miners ask the treaty)
# a country's own law named as what the question is asked under ("under that Danish ordinance")
OWN_LAW_NAMED = re.compile(r"\b(?:under|in|by) (?:that|this|the|its|their) (?:[A-Z][\w-]+\s+|\w+'s\s+){1,2}(?:mercury\s+)?"
                           r"(?:ordinance|decree|statute|act|regulations?|directive|law|bylaw|(?:control|administrative|executive) order)\b")
LAW = re.compile(r"\b(?:law|laws|legislation|regulations?|directive|act|statute|decree|ordinance|bylaw|illegal|"
                 r"(?:control|administrative|executive) orders?|"
                 r"requirements?|prohibit\w*|restrictions?|derogations?|guidance|limits?|"
                 r"rules?|standards?|ban|bans|banned|deadline|policy|agency|ministry|licen[cs]es?|permits?|"
                 r"criminal|offence|labell?ing)\b", re.IGNORECASE)
JURISDICTION = re.compile(r"\b(?:EU|EC|E\.U\.|European Union|European Commission|Brussels|US|U\.S\.|EPA|FDA|"
                          r"federal|national|provincial|our country's|the (?:state|province|country)'s|domestic|Congress|Parliament|"
                          rf"REACH|RoHS|FDA|England|Scotland|Wales|New York State|Washington State|{_SUBNATIONAL}|Member States|"
                          r"[A-Z][a-z]+(?:ese|ian|ish|ine|an)"
                          r"(?= (?:law|agency|ministry|government|regulation|rules?|authorit)))\b")
OTHER_TREATY = re.compile(r"\b(?:Rotterdam|Stockholm|Basel|Montreal|Vienna|Kyoto|Paris|Bamako|OSPAR|LRTAP|"
                          r"Heavy Metals|Aarhus|ILO|ASEAN|Kunming-Montreal)\s+(?:Convention|Protocol|"
                          r"Agreement|Ban Amendment)(?:'s)?\b(?!.{0,60}\b(?:Minamata|this Convention|mercury waste))", re.IGNORECASE)
ABOUT_THIS_TREATY = re.compile(r"\b(?:(?:outside|beyond|not (?:covered|governed) by|not subject to) (?:the scope of )?(?:the )?"
                               r"(?:Rotterdam|Stockholm|Basel)\b|Article \d|Annex [A-E]\b(?! of the (?:Stockholm|Rotterdam|Basel))|relate|relationship|cooperat\w+|coordinat\w+|"
                               r"Minamata|this Convention|also (?:in|a Party|a party|party|a member|member|belongs?|bound))",
                               re.IGNORECASE)  # (a Party "also in" the other treaty is asked about as a Party)
MEETING = re.compile(r"\b(?:COP[- ]?(\d{1,2})|(first|second|third|fourth|fifth|sixth|seventh|eighth)\s+"
                     r"(?:meeting|session|conference|COP)(?:\s+of\s+the\s+(?:conference\s+of\s+the\s+)?parties)?)\b",
                     re.IGNORECASE)
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8}
LATEST_MEETING = re.compile(r"\b(?:latest|last|most recent|recent|next|upcoming|future)\s+(?:COP|meeting|"
                            r"conference|session)s?\b|\bwhere (?:was|is|will)\b.{0,40}\b(?:COP|meeting|held|"
                            r"conference)\b|\b(?:host(?:ed|s)?|venue|held in)\b.{0,40}\b(?:COP|meeting|conference)\b",
                            re.IGNORECASE)
ANNEX_AMENDMENT = re.compile(r"\b(?:annex(?:es)?\s*[ab]\b|amend\w*|(?<!-)add(?:ed|s)?\b|phase[- ]?(?:out|down)|"
                             r"amalgam|lamps?|fluorescent|cosmetics?|batter(?:y|ies)|(?:new|listed|which) products?|polyurethane|"
                             r"vinyl chloride|VCM|chlor-alkali|acetaldehyde|methylate|catalysts?|"
                             r"switch(?:es)?|relays?)", re.IGNORECASE)
MARKET = re.compile(r"\b(?:price|prices|how much (?:more |less )?(?:does|do|did|would|will) .{1,40} cost|costly|expensive|"
                    r"costs? (?:more|less) than|sales(?! bans?\b)|market (?:is |was )?(?:expected|forecast|projected)|"
                    r"(?:yearly|annual|growth) rate|CAGR|"
                    r"cheap\w*|market (?:price|size|value|share|data)|mercury market|revenue|"
                    r"dollars?|USD|euros?|\$|per kilo\w*|per flask|sell for|eBay|trade volume|how much money|budget|grant money|co-?financing|"
                    r"how much (?:\w+ ){0,3}(?:funding|financing|grants?) (?:\w+ ){0,3}(?:went|go|goes|did|was|were|has|have)\b|"
                    r"exports? (?:were|was|totall?ed)|imported (?:last|in \d{4})|what does (?:an? |the |it )?.{0,50}\bcost|costs? to "
                    r"(?:buy|convert|install)|worth|per gram|(?:global|annual) sales|were sold|going rate|largest producer|"
                    r"which companies|buy the most|volume of mercury|imports? (?:into|of mercury into)|"
                    r"how much did .{1,40}\b(?:fall|rise|drop|grow)|market (?:size|share)|"
                    r"dominat\w+|sold each year|produced around the world|"
                    r"export(?:ed)? more than|"
                    r"how (?:many tonnes|much mercury)\b.{0,60}\b(?:export|import|produc|smuggl|traffick|recover|buy|sell|trad)\w*|"
                    # tonnages asked for (the treaty's own, the stock thresholds of Article 3(5)(a), aside)
                    r"how (?:many|much) (?:metric )?(?:tonnes|tons|kilo\w*)\b(?!.{0,60}\b(?:stocks?|thresholds?|must|shall|"
                    r"identify)\b))\b",
                    re.IGNORECASE)
QUANTITY = re.compile(r"\b(?:smallest|largest|minimum|maximum|biggest) (?:and (?:smallest|largest|minimum|maximum|biggest) )?"
                      r"(?:grant|amount|sum|award)s?\b|"  # the size of grants: the funds' own rules, not the treaty
                      r"\bhow many (?!years?\b|times\b|days\b|months\b|members\b|seats\b).{0,80}\b(?:each|per|every|a) year\b|"
                      r"\bhow (?:much|many)\b.{0,60}\b(?:tonnes?|tons?|kilo\w*|grams?|emit\w*|release[sd]?|export\w*|import\w*|"
                      r"produc\w*|mined|traded|sold|bought|flasks?|used|consum\w*|people|workers|miners|deaths?|cases)\b"
                      r".{0,50}\b(?:each|per|a|every)\s+(?:year|annum)|\b(?:tonnes?|tons)\s+of\s+mercury\b.{0,40}"
                      r"\b(?:emit\w*|released?|each year|per year|annually|a year)\b|\bhow many (?:people|workers|"
                      r"miners|deaths|children)\b(?!.{0,40}\b(?:sit|serve|seats?|on the (?:\w+ ){0,4}(?:Committee|"
                      r"tribunal|commission|Bureau)))|\b(?:typical|average|usual)\b.{0,40}\b(?:contain|content|"
                      r"amount|level|concentration)", re.IGNORECASE)
HEALTH = re.compile(r"\b(?:safe for a (?:pregnant|breastfeeding|nursing) (?:woman|women|mother)|"
                    r"(?:meals?|portions?|servings?) of [\w ]{0,30}\b(?:per|a|each) (?:week|month|day)|"
                    r"should (?:my|our) (?:\w+ )?(?:stop|keep) eating|should (?:\w+ ){1,6}(?:stop|keep|avoid) eating|"
                    r"(?:accurate|reliable) enough to|will (?:the|my) [\w ]{0,20}(?:fade|go away|heal)|"
                    r"safe to (?:eat|use|have|keep)|is it safe|symptoms?|poison(?:ed|ing)|treat(?:ment)? "
                    r"for|my (?:fillings?|teeth|child|baby|son|daughter|doctor|dentist|health|blood)|should i\b|"
                    r"can i (?:safely )?(?:eat|get)|tuna|swordfish|how much fish|detox|chelation|harmful to me|am i at risk|"
                    r"blood test|exposed to mercury|side effects?|healthier|cause (?:autism|cancer|multiple sclerosis|headaches?|"
                    r"\w+ disease)|headaches?|first aid|swallow\w*|supplements?|protective mask|blood mercury|"
                    r"stay in the (?:human )?body|tremors?|harmful|is it dangerous|dangerous to (?:touch|eat|take)|"
                    r"safe to take|safe for (?:me|us|my|our)|for me to|harmed|have them replaced|out of the body|"
                    r"(?:during|in) pregnancy|while pregnant|i am pregnant|i'm pregnant|medical (?:check|exam|test)\w*|check-?ups?|"
                    r"see a doctor|could (?:\w+ ){0,3}be (?:the|a) cause|could (?:\w+ ){0,3}be causing|urine tests?|expectant mothers?|should (?:\w+ ){0,4}avoid|my (?:hypertension|pregnancy))\b",
                    re.IGNORECASE)
ASKS_ADVICE = re.compile(r"\b(?:what|how) (?:should|do|can|must) (?:I|we)\b|\bwhat do (?:I|we) do\b|"
                         r"^(?:how long )?should (?:I|we)\b", re.IGNORECASE)
HOUSEHOLD = re.compile(r"\b(?:test (?:the|my|our) [\w ]{0,15}myself|how can I test|at home|in my (?:house|home|kitchen|bedroom)|broke (?:a|an|my)|shattered|broken pieces|"
                       r"broken glass|clean (?:it|this) up|clean up the (?:mercury|spill|beads)|(?:should|do|can) I clean|where do I take|broken "
                       r"(?:(?:mercury|glass|old|fever|clinical) )?(?:bulb|lamp|thermometer|cfl|light)|"
                       # "My thermometer broke on the floor. Should I gather the beads …, and air the room?"
                       r"(?:thermometer|lamp|bulb|tube)s? (?:broke|smashed|shattered)|gather (?:up )?the (?:beads|droplets|mercury)|"
                       r"air (?:out )?the (?:room|house|flat)|garbage day|before bagging|spill\w*|carpet|vacuum(?! pumps?)(?: cleaner)?|"
                       r"throw (?:\w+ ){0,2}(?:away|out)|workshop|attic|basement|garden shed|loft|"
                       r"how should I (?:pack|label|store|dispose|take|bring|carry|transport|handle|wrap)|household collection|in (?:my|our) flat|in the (?:bin|trash|garbage)|dispose of (?:a|my|an|old)|"
                       r"droplets?|beads of mercury|duct tape|my old|bury|household (?:bin|trash|waste)|down the (?:sink|drain)|"
                       r"near me|in my (?:garage|garden|living room|drawer)|living room|air out|kitchen drawer|"
                       r"should I (?:replace|buy)|fever thermometer|toy|store (?:a|the|my) jar|collection day|get rid of|"
                       r"bottle bank|special disposal|take back|recycling (?:cart|bin)|sulfur powder|drops of mercury|"
                       r"wipe|my cat|our cat|pets?|my shoes|washing machine|sell my house|air conditioning|bedroom|"
                       r"before scrapping|shattered|drop (?:it |them )?off|where can I|my (?:used|old|broken|spent)|collection point|"
                       r"(?:my|our|regular|household|kitchen|normal) (?:\w+ )?(?:bin|trash|rubbish|garbage))\b",
                       re.IGNORECASE)
SCIENCE = re.compile(r"\b(?:stay in the environment|before it breaks down|depletion events?|boiling point|melting point|freez\w+ point|density|atomic (?:number|weight|mass)|"
                     r"vapou?r pressure|half[- ]life|isotopes?|how does (?:methyl)?mercury (?:form|get|enter|"
                     r"travel|accumulate|affect)|methylation|chemical symbol|why is mercury (?:liquid|toxic)|"
                     r"where does mercury come from|how is methylmercury formed|mercury cycl\w+|permafrost|chemically|"
                     r"atmospheric lifetime|lifetime of|volcano\w*|re-emission|selenium|(?:mercury )?levels in (?:rivers|"
                     r"fish|wildlife|the arctic|arctic|air|soils?|lakes)|Arctic wildlife|Global Mercury Assessment|"
                     r"methylat\w*|microb\w*|bacteri\w*|genes?|phosphors?|flue gas|injection rate|turn into methylmercury|how quickly|deposition|in tonnes|emit more|concentrations?|pathways?|"
                     r"economic cost)\b", re.IGNORECASE)


# a question about the Conference's later work, in the past tense: what it adopted is not in the 2013 text
COP_DID = re.compile(r"\bdid any (?:COP|meeting|Conference)\b|\b(?:did|has|have|had)\s+(?:the\s+)?(?:Minamata\s+)?(?:COP|Conference of the Parties|Parties|conference|delegates|negotiators|"
                     r"negotiating committee|meeting)\b.{0,60}\b(?:adopt|endors|approv|agree|decid|request|set|revis|"
                     r"establish|welcom|elect|pledg|recommend|conclud|updat|grant|refus|reject)\w*|"
                     r"\bwhat did (?:the )?(?:\w+'s )?(?:first |second |latest |last |recent )?(?:effectiveness evaluation|review|"
                     r"assessment|committee)\b.{0,40}\b(?:conclude|find|found|show|say|recommend)|\b(?:COP|Conference of the Parties|the Parties)\s+(?:has\s+)?"
                     r"(?:adopted|endorsed|approved|agreed|decided|requested|elected)\b|\bwhich decision\b|"
                     r"\b(?:Final Act|negotiating committee|Executive Secretary|programme of work|budget for \d{4}|"
                     r"(?:Bali|Geneva|Nusa Dua) Declaration)\b|"
                     # "Did COP-5 ask Parties to report …?", "What guidance did COP-6 give the GEF?", "Which networks did
                     # the Conference of the Parties choose?", "Has the COP taken any decision on …?"
                     r"\bdid (?:the )?(?:COP\b-?\s?\d*|Conference of the Parties)\s+(?:\w+\s+){0,1}?(?:ask|give|put|choose|select|"
                     r"tell|invite|urge|call|issue|publish|say|list|name|identify|task)\w*\b|"
                     r"\b(?:taken|made|reached) (?:any |a |its )?(?:formal )?decisions?\b|"
                     # what guidance the meeting adopted recommends: the guidance, which the texts do not hold
                     r"\b(?:guidance|guidelines)\s+(?:\w+\s+){0,3}(?:adopted|issued|agreed|approved)\s+by\s+(?:the\s+)?"
                     r"(?:COP|Conference|Conference of the Parties)\b.{0,80}\b(?:recommend|set|specif|list|give|require)\w*|"
                     # "COP-1 adopted guidance on techniques. What does that guidance recommend for …?"
                     r"\bwhat (?:does|do) (?:that|this|those|these|the COP's|its) (?:guidance|guidelines) (?:\w+ )?"
                     r"(?:recommend|require|specify|say)\b",
                     re.IGNORECASE)
COP1_MESSAGES = re.compile(r"\b(?:message|agree|minister|high-level|segment)", re.IGNORECASE)  # the bundled COP-1 text
DECISION_NAMED = re.compile(r"\b(?:decision\s+)?MC-?(\d{1,2})/(\d{1,2})\b", re.IGNORECASE)
# science asked for even in the treaty's words ("What share of global emissions comes from ASGM?")
SCIENCE_STRONG = re.compile(r"\b(?:emission factors?|physically|chemically|at what temperature|boiling point|vapou?r pressure|what (?:share|percentage|fraction|proportion) of (?!(?:the )?Parties)|"
                            r"emissions (?:fallen|risen|rising|fell|rose|fall|rise)|estimated at|typically found|"
                            r"deliver\w* to the oceans?|released by a single|eutectic|liquid cathode|(?:really|actually) work as|deposits? fastest|fly ash|brine sludge|re-emitted|total global|bacteria|bioavailab\w*|"
                            r"biomagnif\w*|highest mercury|accumulated in|stratification|plankton|sediments?|(?:giga|micro|nano)grams?|"
                            r"bacterial|genes?|detector|how is (?:the )?mercury bound|technically an alloy|methylation|methylate mercury|"
                            r"mercury content of (?:coal|fish|ore|gas)|more toxic|how toxic|toxicity of|standard method|"
                            r"measurement method|sampling method|how (?:is|are) .{0,30} measured|chemical forms?|"
                            r"oxidi[sz]\w*|oxidants?|residence time|stays? in the (?:atmosphere|air)|sorbents?|"
                            r"speciation|evaporat\w*|how does .{0,60} (?:actually work|capture|remove|strip)|by what (?:\w+ )?mechanism|absorbed (?:through|by|into) (?:the )?(?:skin|body|gut|lungs)|mechanism (?:by which|of action)|"
                            r"corro(?:de|sion|sive)|formed as a by-?product|how (?:was|were) (?:methyl)?mercury formed|"
                            r"why does .{0,80} (?:remove|capture|let|pass|work)|"
                            r"how (?:does|do|is|are) .{0,80}\b(?:convert\w*|turn\w* into|end up|pull\w*|speed\w* up|"
                            r"build\w* up|react\w*|accumulat\w*|deposit\w*)|why (?:does|do) .{0,80}\b(?:build\w* up|"
                            r"accumulat\w*|add mercury)|bioindicators?|as accurate as|stable enough|fall back)\b",
                            re.IGNORECASE)
# which States led the way in the treaty's history ("Which two countries proposed in 2003 that …?"); the
# bundled amendment notes record who proposed an amended listing, so not of those
STATES_LED = re.compile(r"\bwhich (?:\w+ )?(?:countries|country|governments?|States?|delegations?|nations?) (?:first )?"
                        r"(?:proposed|pushed for|called for|led|hosted|opposed|blocked|championed|initiated|sponsored|"
                        r"spearheaded)\b", re.IGNORECASE)
# who held a post, spoke or organised; court cases; which projects were funded: people and events
PEOPLE_EVENTS = re.compile(
   r"\b(?:which|what) (?:\w+ ){0,2}(?:politician|minister|official|diplomat|person|scientist|activist)\b.{0,40}"
   r"\b(?:proposed|suggested|coined|named)\b|"
   r"\bpresided\b|"  # who chaired a meeting
   # arrests and seizures, who signed for a State, which firm or minister did what, which districts were named
   r"\barrest\w*|\bsuspects\b|\bthe suspect\b|\bwho signed\b.{0,60}\bon behalf of\b|"
   r"\bwhich (?:[\w'’-]+ ){0,3}(?:minister|official|company|firm|trader|smuggler)s?\b.{0,60}\b(?:announced|tried|attempted|"
   r"shipped|smuggled)\b|\bwhich (?:\w+ ){0,2}(?:districts?|provinces?|villages?|regions?|towns?)\b.{0,60}\b(?:did|were)\b|"
   r"\bwho\s+(?:(?:is|was|are|were)\s+(?:the\s+)?(?:current\s+|new\s+|first\s+)?(?:president|chair\w*|executive secretary|"
   r"heads?|director\w*|spokes\w+|minister|(?:\w+\s+){0,4}members)|chaired|chairs|spoke|organi[sz]ed|hosted|"
   r"(?:served|serves) as (?:the\s+)?(?:president|chair)|(?:currently\s+)?(?:heads|leads|runs))\b|\b(?:court (?:ruling|case|decision)s?|ruling|lawsuit|plaintiffs?|convicted|charged with|"
   r"prosecut\w+|compensation claims?|(?:win|won|awarded|receive[ds]?|paid|get) (?:any )?compensation|co-?chair\w*|fined|political settlement|participants attended|"
   r"ever (?:fly|flew|launch\w*|buil\w*))\b|\bprojects?\b.{0,30}\b(?:approved|selected)\b|"
    r"\b(?:approved|selected)\b.{0,30}\bprojects?\b|\bfunding rounds?\b|"
   r"\b(?:which|what) countries\b.{0,40}\b(?:funded|funding|projects?|added to the|joined the \w+ programme)\b|"
   # an organisation that acted, what a workshop or report concluded, a settlement paid
   r"\bwhich (?:UN |U\.N\. )?(?:[\w-]+ ){0,2}(?:institutes?|agenc(?:y|ies)|compan(?:y|ies)|organi[sz]ations?|NGOs?|"
   r"firms?|universit(?:y|ies)|donors?|groups?|consultanc(?:y|ies)|consultants?|recyclers?)\b.{0,40}\b(?:helped|help|"
   r"are overseeing|oversee\w*|settled|funded|ran|led|took part|sued|paid|exposed|organi[sz]ed|hired|collected|"
   r"recycles?|was (?:hired|chosen|picked|contracted))\b|"
   r"\bwhat did (?:the )?(?:\d{4} )?[\w'’ -]{0,60}?\b(?:workshop|seminar|study|report|project|programme|office|"
   r"campaign|investigation|survey)\b.{0,40}\b(?:recommend|conclude|find|found|show|say|reveal)\w*|"
   r"\bsettle(?:d|s)? (?:claims|with|over|the (?:case|lawsuit))|\bagreed? to pay\b|\bordered\b.{0,40}\bto pay\b|"
   # what became of a firm, a plant or a project; who led a campaign; who tabled a proposal or came to a meeting
   r"\bwhat (?:happened|became) (?:to|of) (?:the |that |this )?[\w'’ -]{0,60}?\b(?:firm|company|plant|factory|mine|"
   r"project|programme|campaign|recycler|smelter|site|workers)\b|\bwho (?:led|ran|started|launched|founded|organi[sz]ed|"
   r"financed|bankrolled)\b|\bcompensate[ds]?\b|"
   r"\bwhich (?:[\w'’-]+ ){0,3}(?:compan(?:y|ies)|firms?|groups?|NGOs?|organi[sz]ations?|delegat\w+|negotiators?|"
   r"ministers?|officials?|scientists?|researchers?)\b.{0,40}\b(?:developed|invented|designed|proposed|suggested|"
   r"lobbied|campaigned|pressed|pushed|argued)\b|"
   r"\bwhich (?:[\w-]+ ){0,2}(?:countries|Parties|States|delegations|governments)\b.{0,20}\b(?:submitted|tabled|sponsored|"
   r"put forward|co-?sponsored) (?:the |a |that )?(?:\d{4} )?(?:\w+ )?proposal\b|"
   r"\bwhich (?:[\w-]+ ){0,2}(?:countries|Parties|States|delegations|agencies)\b.{0,40}\b(?:attended|take part in|took part in|"
   r"participate in|are part of)\b.{0,40}\b(?:meeting|workshop|programme|program|project|initiative|partnership)\b|"
   r"\bwhich (?:[\w-]+ ){0,2}agencies\b.{0,20}\bimplement\w*|"
   # the negotiations before the text was agreed: who backed which draft
   r"\bnegotiating (?:session|committee|round)s?\b|\bINC-?\d\b|\bdraft (?:option|text|proposal)s?\b.{0,60}\b(?:back\w*|"
   r"support\w*|oppos\w*|push\w*)\b",
   re.IGNORECASE)
# "How does methylmercury upset calcium balance in brain cells?", "Why did cats show signs of poisoning first?":
# how harm comes about, asked by no one about themselves, is science rather than health advice
MECHANISM = re.compile(r"^\s*(?:why|how)\s+(?:did|does|do|is|are|was|were)\b(?!.{0,80}\b(?:convention|treaty|article|annex|"
                       r"part(?:y|ies)|COP|conference|govern\w*|ministr\w*|council|authorit\w*|into force|ratif\w*|"
                       r"withdraw\w*|amendments?|exemptions?|secretariat|depositary)\b)|"
                       r"\bbe (?:converted|transformed|methylated)\b", re.IGNORECASE)
# "Why is the emission ratio of mercury … so much higher than …?": a why-question about nature, not the treaty
WHY_NO_RULE = re.compile(r"^\s*why (?:is|are|does|do|did)\b(?!.*\b(?:convention|treaty|article|annex|preamble|recitals?|part(?:y|ies)|COP|"
                         r"into force|ratif\w*|withdraw\w*|amendments?|exemptions?|secretariat|depositary|"
                         r"conference|minamata|ban\w*|phas\w*|require\w*|must|allow\w*|list\w*|rules?|regulat\w*|"
                         r"control\w*|cover\w*|exempt\w*|plans?|report\w*|obligation\w*|measures?)\b)", re.IGNORECASE)
HOW_IT_WORKS = re.compile(r"\bhow does (?:the |trace |a |elemental )?(?:mercury|methylmercury)\b.{0,60}\b(?:make|attack|corrode|"
                          r"react|damage|cause|glow|form|get|enter|bind|move|travel)\b", re.IGNORECASE)
WHY_NATURE = re.compile(r"^\s*why (?:is|are|does|do)\b(?!.{0,40}\b(?:convention|treaty|article|annex|preamble|recitals?|part(?:y|ies)|COP|"
                        r"conference)\b).{0,80}\b(?:more|less|higher|lower|faster|slower|so (?:much|toxic|volatile|"
                        r"dangerous|persistent))\b", re.IGNORECASE)
# statistics asked for: tonnes used or emitted, shares of emissions, how many people or plants
STATISTICS = re.compile(r"\bwhat (?:share|percentage|fraction|proportion) of [\w'’ -]{0,60}?\b(?:placed|fitted|performed|"
                        r"installed|in use)\b|"
                        r"\bhow many\b.{0,100}\baccording to (?:the|that|this) (?:group|report|survey|study|NGO|"
                        r"organi[sz]ation|campaign|network|page|article)\b|"
                        r"\bwhat (?:share|percentage|fraction|proportion) of [\w' ]{0,30}?(?:gold )?(?:production|output|"
                        r"exports|imports|supply|demand|consumption) (?:came|comes|come|is|was|went|goes)\b|"
                        r"\bwhat (?:share|percentage|fraction|proportion) of (?:the )?(?:global |world\W?s? |total )?"
                        r"(?:anthropogenic )?(?:mercury )?(?:emissions|use|demand|supply|production|gold|trade|imports|"
                        r"exports)\b|total global|"
                        r"\bwhat (?:share|percentage|fraction|proportion) of [\w'’ ]{0,40}?\b(?:capacity|output|producers|"
                        r"plants|market)\b|\bwhat (?:share|percentage|fraction|proportion) of [\w'’ -]{0,60}?\b(?:sold|on the market|"
                        r"in use|installed)\b|\bhow many (?:[\w-]+\s+){0,3}(?:producers|manufacturers|companies|firms|factories|"
                        r"plants|smelters|mines)\b.{0,30}\b(?:does|do|are there|exist|operate|has|have)\b|"
                        r"\bhow many (?:[\w-]+\s+){0,3}(?:plants|facilities|mines|people|workers|miners)\b.{0,40}"
                        r"\b(?:worldwide|globally|still|work|in the world)\b", re.IGNORECASE)
# a hospital's, a GP's or a council's thermometers are a matter for the treaty's product and waste
# rules, not household advice
INSTITUTION = re.compile(r"\b(?:hospitals?|clinics?|GPs?|surgery|surgeries|practices|schools?|councils?|municipal\w*|"
                         r"compan(?:y|ies)|business\w*|shops?|stores?|pharmac\w*|laborator\w*|labs?|wholesalers?|"
                         r"importers?|retailers?|health[- ]care|recyclers?|waste (?:operators?|companies))\b",
                         re.IGNORECASE)
# the asker speaks for a household, not for "my country" or "my council"
PERSONAL = re.compile(r"\b(?:I|me)\b|\bmy\b(?!\s+(?:country|government|council|city|town|municipality|"
                      r"region|province|state|ministry|authority|organi[sz]ation|company|agency|department)\b)")
TYPICAL = re.compile(r"\b(?:typical|average|usual)\b.{0,40}\b(?:contain|content|amount|level|concentration)", re.I)
# "How many countries had to ratify ...?", "Can the EU become a party?": the treaty's rules, not who joined
TREATY_MECHANICS = re.compile(r"\b(?:had to|have to|has to|needs?|needed|required|must|shall|can|could|may|would|"
                              r"(?:expected|supposed|obliged|entitled) to|"
                              r"counts? (?:toward|towards|as)|counted|how (?:does|do|would|can) (?:the |a |an )?\w+ "
                              r"(?:exercise|cast|use) its|"
                              # "Does the Secretariat publish which countries hold exemptions?": what a treaty
                              # body keeps or makes public is the treaty's own rule (the Article 6 register)
                              r"(?:does|do|did|will|would) (?:the |its )?(?:Secretariat|Conference of the Parties|"
                              r"COP|Convention|treaty|register) (?:publish|keep|maintain|list|record|make public|post|show)\w*)\b",
                              re.IGNORECASE)
NOW = re.compile(r"\b(?:so far|yet|currently|today|now|to date|at present|already|as of|still)\b", re.IGNORECASE)
# "Does any Party still hold an exemption?", "Which country deposited the fiftieth instrument?"
ANY_PARTY_DID = re.compile(r"(?<!can )(?<!could )(?<!may )(?<!must )(?<!might )(?<!shall )"  # "Can any Party still hold …?" is the rule
                           r"\b(?:any|which|what) (?-i:[A-Z][a-z]+ )?(?:Party|Parties|countr(?:y|ies)|States?|governments?)\b.{0,60}"
                           r"\b(?:still (?:hold|holds|have|has|need|needs|not|outside|lack|run|runs|registered|use an exemption)|"
                           r"currently|so far|yet|registered|hold|holds|sent|deposited|asked|run|runs|"
                           r"notified|submitted|lodged|told|found|named|identified|filed|reported)\b", re.IGNORECASE)
# a hypothetical or a duty of a named Party is the treaty's rule applied, not a fact about that Party
HYPOTHETICAL = re.compile(r"^\s*(?:if|suppose|say|assuming|imagine)\b|\b(?:would|owe|such as)\b", re.IGNORECASE)
MEANING = re.compile(r"\bwhat (?:does|would|did|do) (?:that|this|it|they|such an? \w+) (?:mean|change|imply|entail)|"
                     r"\bin the (?:treaty|convention)'s (?:own )?(?:sense|terms|definition|meaning)\b|"
                     r"\b(?:come|comes|came) from in the (?:treaty|convention)\b|"
                     r"\b(?:out of|from|inside|outside|within) (?:that|this|the|its|the treaty's|the convention's) definition\b|"
                     r"\bcounts? as\b|\bwhat happens\b|\bwhat effect\b|\bwhich (?:article|provision|paragraph)\b|\bunder which\b|"
                     r"\bwhat (?:does|do) the (?:convention|treaty|text) (?:say|require|allow)|"
                     r"\bhow (?:does|would) (?:the convention|the treaty|article \d+)", re.IGNORECASE)
ASKS_TREATY = re.compile(r"\b(?:COP|Conference of the Parties|convention|treaty)(?:'s|’s) (?:guidance|guidelines)\b.{0,90}"
                         r"\b(?:cover|covers|include|includes|address|addresses|contain|contains|deal with)\b|"
                         r"\b(?:convention|treaty|minamata)\b.{0,25}\b(?:say|says|require|requires|ban|bans|allow|"
                         r"allows|cover|covers|mean|means|(?<!into )force|forces|oblige|obliges|ask|asks|expect|expects|stop|stops|"
                         r"prevent|prevents|forbid|forbids|let|lets|permit|permits|"
                         r"target|targets|apply to|applies to|single out|singles out|identify|identifies|set|sets|"
                         r"encourage|encourages)\b|"
                         # "Who had to convene COP-1, and how soon …?": Article 23's rule for the first meeting
                         r"\bwho (?:had|has|have|must|shall|is|was|were) (?:to )?convene\b|\bto be convened\b|"
                         r"\b(?:convention|treaty|minamata)\b.{0,40}\b(?:legally |formally )?(?:bound|obliged|obligated|"
                         r"required) to\b|"
                         # "Does the treaty's research and monitoring article ask Parties to …?"
                         r"\b(?:convention|treaty)(?:'s|’s) (?:[\w-]+ ){0,4}(?:article|provision|annex|rules?)\b.{0,25}"
                         r"\b(?:say|says|require|requires|ask|asks|expect|expects|cover|covers|oblige|obliges|allow|allows)\b|"
                         # "Does Article 13 still expect it to fund …?", "… fall within the Convention's definition of …?"
                         r"\b(?:article \d+|annex [a-e])\b.{0,25}\b(?:say|says|require|requires|ask|asks|expect|expects|oblige|"
                         r"obliges|allow|allows|cover|covers|ban|bans)\b|"
                         r"\b(?:fall|falls|come|comes) (?:within|under) (?:the|this|its) (?:convention|treaty)(?:'s|’s)? "
                         r"(?:definition|scope|meaning)\b|"
                         # "Would broken glass contaminated with mercury count as 'mercury waste' under the Convention?"
                         r"\b(?:counts?|counted|qualify|qualifies|covered|considered|classed|treated|regarded) as\b.{0,60}"
                         r"\b(?:under|in|by) (?:the|this) (?:Minamata )?(?:convention|treaty)\b", re.IGNORECASE)
# market words that the treaty also uses ("not on the market", "market-based mechanisms"): only without it
MARKET_WEAK = re.compile(r"\bmarket\b(?!-based)|\bdemand\b|\bmanufacturers?\b|\boperators\b|\bsuppliers?\b|"
                         r"\bstop selling\b", re.IGNORECASE)
# the treaty's own actor asked about ("could a Party legally permit a new mine?", countries named as
# examples before it): what the treaty allows a Party, not a country's law
PARTY_ASKED = re.compile(r"\b(?i:can|could|may|must|would|should|does|do|is|are)\s+(?i:a|any|each|every|the|that|such)\s+Party\b|"
                         r"\b(?:a|any|each) Party\s+(?:legally\s+)?(?:permit|allow|license|licen[cs]e|approve)\b")
DUTY = re.compile(r"\b(?:must|shall|required|obliged|have to|has to|need to|needs to)\b", re.IGNORECASE)
# "what must Parties now do …?": a duty of every Party, not a question about which States are Parties
DUTY_OF_PARTIES = re.compile(r"\b(?:what|which \w+) (?:must|shall|should|do|does) (?:the |all )?(?:Parties|countries|"
                             r"governments)\b", re.IGNORECASE)
HOW_MUCH_MERCURY = re.compile(r"\bhow much mercury\b", re.IGNORECASE)
HEALTH_STRONG = re.compile(r"\b(?:harm\w*|doctor|pregnan\w*|symptoms?|blood pressure|fillings?|poison\w*|sick|"
                           r"exposure|healthier)\b", re.IGNORECASE)
OFF_TOPIC = re.compile(r"\b(?:poem|song|joke|translate|planet mercury|orbital|weather|population of|recipe|haiku|"
                       r"cover letter|compound interest|capital city|plastics treaty|Global Framework on Chemicals|"
                       r"Science-Policy Panel|Stockholm Conference|WHO's|ILO Convention|Global Biodiversity Framework|"
                       r"horoscope|freddie mercury)\b", re.IGNORECASE)
DEMONYM = re.compile(r"\b(?!African\b|European\b|Minamata\b|Convention\b)[A-Z][a-z]{2,}(?:ese|ian|ish|ine|ean|an)\b"
                     r"|\b(?:French|Dutch|Thai|Swiss|Greek|Irish|Welsh|Scottish)\b")
# the treaty's own procedures and bodies: a question that names them asks about the treaty, whatever
# country it names or word it shares with a market ("demand conciliation") or a law ("deadline")
MACHINERY_WORDS = (r"reservations?|disputes?|conciliation|arbitra\w*|Secretariat|national action plans?|"
                   r"implementation plans?|preamble|recitals?")
TREATY_MACHINERY = re.compile(rf"\b(?:{MACHINERY_WORDS})\b", re.IGNORECASE)
CONVENTION_WORDS = re.compile(r"\b(?:convention|treaty|minamata|article|annex|parties|party|COP[- ]?\d*|conference|ASGM|"
                              r"(?:national )?action plans?|BAT|BEP|phase[- ]?(?:out|down)|exemptions?|entry into force|"
                              rf"instruments?|ratif\w*|amendments?|amended|{MACHINERY_WORDS})\b", re.IGNORECASE)

# a question that asks what or who a named thing is, or what it did ("What is CLEAPSS?", "Who is Aileen
# Lucero?", "Which site did the Department of Energy choose?"): the name is what it is about
NAMED_SUBJECT = re.compile(
    r"^\s*(?i:what|who)\s+(?i:is|are|was|were)\s+(?i:the\s+)?"
    r"(?P<what>[A-Z][\w'’.-]*(?:\s+(?:of\s+|for\s+|de\s+)?[A-Z][\w'’.-]*){0,5})|"
    r"\b(?i:did|does|has|have)\s+(?i:the\s+)?(?P<who>[A-Z][\w'’.-]*(?:\s+(?:of\s+)?[A-Z][\w'’.-]*){0,5})\s+"
    r"(?:\w+ly\s+)?(?i:rule|decide|find|conclude|choose|chose|fund|run|ran|say|recommend|report|select|award|"
    r"approve|sentence|arrest|seize|launch)\b")


# a capitalised name inside the sentence that asks ("Did Dezhou Shihua go ahead with …?", "When does
# Panasonic plan to stop …?"); a sentence's first word is no name
NAME_IN_SENTENCE = re.compile(r"(?<!^)(?<![.?!:]\s)\b[A-Z][\w'’&-]+(?:\s+(?:[A-Z][\w'’&-]+|of|de|and|for))*")
# words that put a question to the treaty, whatever firm or place it names ("Under the Convention, may
# Occidental …?", "Is Signify's lamp on the phase-out list?")
TREATY_MARK = re.compile(r"\b(?:convention|treaty|minamata|articles?|art|annex|part(?:y|ies)|COP\d*|conference|"
                         r"secretariat|phase-?out|exempt\w*|BAT|BEP|obliged?|required?|requires|must|shall|allowed?|"
                         r"may|might|could|can|should|ban\w*|listed|list|(?:action|implementation|national) plans?|deadline|"
                         r"covered|cover|counts?)\b",
                         re.IGNORECASE)
