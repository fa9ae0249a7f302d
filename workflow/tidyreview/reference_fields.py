"""One reference entry's fields (`parse_entry`): authors, title, journal, year, volume,
issue, pages, DOI, URL, type, read by rule from the text's shape (markdown emphasis around
journal, year and volume; `In *Book*;` for chapters; `Available online:` for web pages),
never from what a particular review cites; what a rule keeps but doubts is a `Doubt`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .layout import collapse
from .patterns import NCT_ID

# One initial: "D." in "Slamon, D.J.", "Á." in "Szőör, Á.", "Th." for two-letter initials.
_INITIAL = r"[A-ZÀ-ÖØ-ÞĀ-Ž][a-z]?\."
# Initials, hyphenated ones included: "M.M.C.", "J.-H.", "L.W.-C.", "R.-S.B."
_INITIALS = rf"{_INITIAL}(?:-?{_INITIAL})*"
# A generational suffix after the initials: "Jr." in "Baldwin, A.S., Jr.", "3rd", "II".
_SUFFIX = r"(?:Jr|Sr)\.|\d(?:st|nd|rd|th)|III|II|IV"
# One author as "Surname, Initials[, Suffix]", particles kept: "van der Lee, M.M.C.",
# "O'Callaghan, J.", "Ramon y Cajal, S.", "Geyer, C.E., Jr."
AUTHOR = re.compile(
    rf"(?P<surname>[^\W\d_][^,;.]{{0,40}}?), (?P<initials>{_INITIALS})(?:, (?P<suffix>{_SUFFIX}))?"
)
# "et al." closing an author list: "...; Pegram, M.; et al. Use of Chemotherapy ..."
ET_AL = re.compile(r"et al\.\s*")
# Vancouver-style authors (no commas before initials): "Teachey DT, Rheingold SR, Maude SL; et al."
VANCOUVER_AUTHORS = re.compile(
    r"(?P<names>[^\W\d_][\w'’-]*(?: [\w'’-]+)*? [A-Z]{1,4}"
    r"(?:, [^\W\d_][\w'’-]*(?: [\w'’-]+)*? [A-Z]{1,4})*)(?:; |\. )"
)
# One Vancouver name: "Teachey DT" -> surname "Teachey", initials "DT".
VANCOUVER_NAME = re.compile(r"^(?P<surname>.+) (?P<initials>[A-Z]{1,4})$")

# Journal, year, volume (issue) and pages, MDPI style:
# "*CA Cancer J. Clin.* **2021**, *71*, 209–249." / "*Blood* **2014**, *124*(3), 3197–3200."
# / "*J. Immunother. Cancer* **2021**, *9*." / "*Immunity* **2019**, *51*, 1059–1073.e9."
JOURNAL_TAIL = re.compile(
    r"\*(?P<journal>[^*]+?)\*\s*\*\*(?P<year>\d{4})\*\*"
    r"(?:,\s*\*(?P<volume>[^*]+?)\*(?:\s*\((?P<issue>[^)]+)\))?)?"
    r"(?:,\s*(?P<pages>[^\s,;]+?))?\.(?=\s|$)"
)
# A book chapter: "In *Molecular Oncology: ...*; Springer: Cham, Switzerland, 2017; pp. 193–204."
# (editors, when printed, come before the publisher: "Smith, A., Ed.;")
BOOK_TAIL = re.compile(
    r"\bIn\s+\*(?P<book>[^*]+?)\*;\s*(?:(?P<editors>[^;]+?),\s*Eds?\.;\s*)?"
    r"(?P<publisher>[^:;]+?):\s*(?P<place>[^;]+?),\s*(?P<year>\d{4})"
    r"(?:;\s*Volume\s+(?P<volume>[^\s,;]+))?"
    r"(?:[;,]\s*pp\.\s*(?P<pages>[^\s,;]+?))?\.(?=\s|$)"
)
# A whole book or report, MDPI style, its title in italics:
# "Bolt Biotherapeutics, Inc. *A First-in-Human Study ...*; Bolt Biotherapeutics, Inc.:
# Redwood City, CA, USA, 2021."
WHOLE_BOOK = re.compile(
    r"\*(?P<book>[^*]+?)\*;\s*(?P<publisher>[^:;]+?):\s*(?P<place>[^;]+?),\s*(?P<year>\d{4})"
    r"\.(?=\s|$)"
)
# Abbreviations closing a corporate author's name: "Inc.", "Ltd.", "Co.", "Corp." (not
# "LLC", "AG", "GmbH": they are no abbreviations, a period after them closes the name)
CORPORATE_SUFFIX = re.compile(r"\b(?:Inc|Ltd|Co|Corp|S\.A)\.$")
# A conference contribution: "... In Proceedings of the 30th EORTC-NCI-AACR Symposium,
# Dublin, Ireland, 13–16 December 2018." (the meeting's name, then its place and dates, the
# year last; sometimes "; pp. 12–14." after it)
PROCEEDINGS_TAIL = re.compile(
    r"\bIn\s+\*?(?P<meeting>(?:Proceedings|Abstracts) of (?:the )?[^*]+?)\*?"
    r"(?:,\s*(?P<place>[^,;]+(?:,\s*[^,;\d]+)*?))?,\s*(?P<dates>[^,;]*?(?P<year>(?:19|20)\d{2}))"
    r"(?:[;,]\s*pp\.\s*(?P<pages>[^\s,;]+?))?\.(?=\s|$)"
)
# A journal article not yet paginated: "*J. Test.* **2023**, in press." / "..., *12*, ahead of print."
JOURNAL_STATUS = re.compile(
    r"\*(?P<journal>[^*]+?)\*\s*\*\*(?P<year>\d{4})\*\*(?:,\s*\*(?P<volume>[^*]+?)\*)?,\s*"
    r"\*?(?P<status>[Ii]n [Pp]ress|(?:[Oo]nline |[Ee]pub )?[Aa]head of [Pp]rint)\*?\.(?=\s|$)"
)
# A patent: "... Uses Thereof. U.S. Patent 9,234,567, 1 January 2016." / "... WO2016123456A1,
# 4 August 2016." (the number, then the date it was granted or published)
PATENT_TAIL = re.compile(
    r"(?P<number>(?:(?:U\.S\.|US|European|EP|World|WO|CN|Chinese|JP|Japanese|KR|Korean)\s+)?"
    r"Patent(?:\s+Application)?\s+(?:No\.\s*)?[A-Z]{0,2}\s?[\d][\d,./]*(?:\s?[A-Z]\d?)?"
    r"|(?:WO|US|EP|CN|JP|KR)\s?\d{4,}[\d,/]*\s?[A-Z]\d?)"
    r"(?:,\s*(?P<date>[^.;]*?(?P<year>(?:19|20)\d{2})))?\.(?=\s|$)"
)
# A thesis: "... Studies of Things. Ph.D. Thesis, University of Test, Town, Country, 2019."
THESIS_TAIL = re.compile(
    r"\b(?P<kind>Ph\.\s?D\.|PhD|Doctoral|Master(?:’s|'s)?|MSc|M\.Sc\.|Bachelor(?:’s|'s)?)\s+"
    r"(?:Thesis|Dissertation)"
    r",\s*(?P<school>[^,;]+?)(?:,\s*(?P<place>[^;]+?))?,\s*(?P<year>(?:19|20)\d{2})\.(?=\s|$)"
)
# A DOI printed as text: "doi:10.1000/xyz.123." / "DOI: 10.1000/xyz"
DOI_PREFIXED = re.compile(r"\b(?:doi|DOI):\s*(?P<doi>10\.\d{4,9}/\S+?)\.?(?=\s|$)")
# "(Eds.)" after an author list: the authors were editors ("Garg, A. (Eds.) Title. ...")
EDITORS_MARK = re.compile(r"^\(Eds?\.\)\s*")
# A company's legal form closing a name that looks like "Surname INITIALS": "BioAtla LLC"
CORPORATE_WORD = re.compile(r"\b(?:LLC|INC|LTD|PLC|AG|SA|NV|AB|ASA|SE|CO|CORP|GMBH)$")
# A web page or registry record: "... Available online: <https://...> (accessed on 13 February 2023)."
AVAILABLE_ONLINE = re.compile(r"\bAvailable online:\s*")
# "(accessed on 13 February 2023)"
ACCESSED = re.compile(r"\(accessed on (?P<date>\d{1,2} [A-Z][a-z]+ \d{4})\)\.?")
# A DOI written as a markdown link, parentheses escaped in the link text:
# "[https://doi.org/10.1016/S1470-2045\(19\)30328-6](https://doi.org/10.1016/S1470-2045(19)30328-6)"
DOI_MARKDOWN_LINK = re.compile(
    r"\[(?P<text>https?://(?:dx\.)?doi\.org/[^\]\s]+)\]\((?P<target>https?://(?:dx\.)?doi\.org/"
    r"(?:[^()\s]|\([^()\s]*\))+)\)\.?"
)
# A DOI in angle brackets: "<https://doi.org/10.3322/caac.21660>."
DOI_ANGLE = re.compile(r"<(?P<target>https?://(?:dx\.)?doi\.org/[^>\s]+)>\.?")
# A bare DOI link, its final period not part of it: "https://doi.org/10.1007/978-1-4939-9728-2_12."
DOI_BARE = re.compile(r"(?<![<(\[])(?P<target>https?://(?:dx\.)?doi\.org/\S+?)\.?(?=\s|$)")
# Any other link: "<https://clinicaltrials.gov/ct2/show/NCT03389230>"
URL_ANGLE = re.compile(r"<(?P<target>https?://[^>\s]+)>")
# The DOI inside a doi.org link: "https://doi.org/10.3322/caac.21660" -> "10.3322/caac.21660"
DOI_IN_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(?P<doi>10\.\S+)$")
# The registry identifier inside a ClinicalTrials.gov link: ".../ct2/show/NCT04511871?term=..."
NCT_IN_URL = re.compile(rf"\b(?P<nct>{NCT_ID})\b")
# Hosts whose pages are trial registry records.
REGISTRY_HOSTS = ("clinicaltrials.gov", "clinicaltrialsregister.eu", "isrctn.com")
# A sentence break inside a web entry: "NCI. Drug Dictionary." (a period, a space, a capital or digit)
SENTENCE_BREAK = re.compile(r"(?<=[^\s.][^\s.])\.\s+(?=[A-Z0-9])")
# A year standing alone as the last sentence of a web entry: "... Annual Meeting. 2021."
YEAR_SENTENCE = re.compile(r"^(?P<year>(?:19|20)\d{2})$")
# Markdown emphasis: "*Cancers*", "**2023**"
EMPHASIS = re.compile(r"\*{1,2}(?P<inner>[^*]+?)\*{1,2}")
# Markdown backslash escapes: "\(" -> "(", "\_" -> "_"
MARKDOWN_ESCAPE = re.compile(r"\\(?P<char>[\\`*_{}\[\]()#+\-.!<>|])")
# Inline LaTeX math: "$\gamma\delta$"
LATEX_MATH = re.compile(r"\$(?P<inner>[^$]+)\$")
# A LaTeX command: "\times", "\gamma"
LATEX_COMMAND = re.compile(r"\\(?P<name>[A-Za-z]+)")
# A run of four or more words printed twice in a row:
# "TNF α Induces Multiresistance to HER2-Targeted TNF α Induces Multiresistance to HER2-Targeted"
REPEATED_WORDS = re.compile(r"(?P<run>\b(?:\S+\s+){3,}?\S+)\s+(?P=run)\b")

LATEX_SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "times": "×",
    "pm": "±",
    "geq": "≥",
    "leq": "≤",
}

# Surnames that are far more often given names: a last author printed as "Michael, F."
# right before a title opening with a capitalised word ("Press Studies of ...") is
# probably "Press, M.F." split across the author list and the title.
GIVEN_NAMES = frozenset(
    """Andrew Anne Anthony Brian Charles Christopher Daniel David Edward Elizabeth Eric
    Frank George Helen James Jane John Joseph Kenneth Kevin Margaret Maria Mark Mary Michael
    Patrick Paul Peter Richard Robert Ronald Sarah Stephen Steven Susan Thomas Timothy
    William""".split()
)

WEB_TYPES = ("web_page", "registry_record")


# --- Parsing one entry ---------------------------------------------------------------


@dataclass
class Doubt:
    """Something `parse_entry` kept but doubts: becomes a quality flag."""

    check: str
    severity: str
    detail: str


@dataclass
class Parsed:
    """The fields of one reference, parsed from its text."""

    authors: list[str] = field(default_factory=list)
    authors_normalized: list[str] = field(default_factory=list)
    et_al: bool = False
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    url: str | None = None
    accessed: dt.date | None = None
    trial_id: str | None = None
    publisher: str | None = None
    publisher_place: str | None = None
    note: str | None = None
    pub_type: str = "other"
    doubts: list[Doubt] = field(default_factory=list)

    def doubt(self, check: str, severity: str, detail: str) -> None:
        self.doubts.append(Doubt(check, severity, detail))


def plain(text: str | None) -> str | None:
    """Return `text` without markdown emphasis, markdown escapes or LaTeX markup."""
    if text is None:
        return None
    text = EMPHASIS.sub(lambda m: m["inner"], text)
    text = LATEX_MATH.sub(lambda m: _latex_symbols(m["inner"]), text)
    text = _latex_symbols(text)
    text = MARKDOWN_ESCAPE.sub(lambda m: m["char"], text)
    return collapse(text) or None


def _latex_symbols(text: str) -> str:
    def symbol(m: re.Match) -> str:
        return LATEX_SYMBOLS.get(m["name"], m.group(0))

    return LATEX_COMMAND.sub(symbol, text)


def _strip_end(text: str) -> str:
    """Drop the period that closes a field (a '?' or '!' belongs to the title)."""
    text = text.strip()
    return text[:-1].rstrip() if text.endswith(".") else text


def _take_links(text: str, parsed: Parsed) -> str:
    """Record the entry's DOI and other link in `parsed`; return the text without them."""
    m = DOI_MARKDOWN_LINK.search(text)
    if m:
        target = m["target"]
        shown = MARKDOWN_ESCAPE.sub(lambda e: e["char"], m["text"])
        if shown != target:
            parsed.doubt(
                "reference_doi_link_mismatch",
                "warning",
                f"DOI link text {shown!r} differs from its target {target!r}; the target is kept",
            )
        parsed.doi = DOI_IN_URL.match(target)["doi"]
        text = (text[: m.start()] + text[m.end() :]).strip()
    else:
        m = DOI_ANGLE.search(text) or DOI_BARE.search(text)
        if m:
            parsed.doi = DOI_IN_URL.match(m["target"])["doi"]
            if not m.group(0).startswith("<"):
                parsed.doubt(
                    "reference_doi_not_linked",
                    "info",
                    f"DOI printed as a bare URL ({m['target']}), not as a link like the others",
                )
            text = (text[: m.start()] + text[m.end() :]).strip()
    if parsed.doi is None:
        m = DOI_PREFIXED.search(text)
        if m:
            parsed.doi = m["doi"]
            text = (text[: m.start()] + text[m.end() :]).strip()
    m = URL_ANGLE.search(text)
    if m:
        parsed.url = m["target"]
        text = (text[: m.start()] + text[m.end() :]).strip()
    return text


def _parse_authors(head: str, parsed: Parsed) -> int:
    """Parse the author list opening `head` into `parsed`; return where the title starts."""
    pos, names, normalized = 0, [], []
    while True:
        if names and ET_AL.match(head, pos):
            parsed.et_al = True
            pos = ET_AL.match(head, pos).end()
            break
        m = AUTHOR.match(head, pos)
        if not m:
            break
        names.append(m.group(0))
        normalized.append(m.group(0))
        after = head[m.end() : m.end() + 2]
        if after == "; ":
            pos = m.end() + 2
            continue
        if after[:1] == " " or m.end() == len(head):
            pos = m.end() + 1
            break
        names.pop(), normalized.pop()  # "Surname, I" glued to what follows: not an author
        break
    if not names and parsed.pub_type not in WEB_TYPES:
        v = VANCOUVER_AUTHORS.match(head)
        if v and CORPORATE_WORD.search(v["names"]):
            v = None  # "BioAtla LLC. *Title*": a company, not "BioAtla, L.L.C."
        if v:
            names = v["names"].split(", ")
            normalized = []
            for name in names:
                n = VANCOUVER_NAME.match(name)
                normalized.append(f"{n['surname']}, {'.'.join(n['initials'])}.")
            parsed.doubt(
                "reference_author_format",
                "warning",
                f"authors printed Vancouver style ({v['names']!r}) instead of 'Surname, I.'; "
                "kept as written in authors, rewritten in authors_normalized",
            )
            pos = v.end()
            if ET_AL.match(head, pos):
                parsed.et_al = True
                pos = ET_AL.match(head, pos).end()
    parsed.authors = names
    parsed.authors_normalized = normalized
    return min(pos, len(head))


def _check_authors(parsed: Parsed, title: str) -> None:
    """Flag author lists that look damaged; repair only the normalised copy."""
    names = parsed.authors_normalized
    parts = [AUTHOR.fullmatch(n) for n in names]
    # "Michael, F." + "Press Studies of ..." -> probably "Press, M.F." split into the title.
    last = parts[-1] if parts else None
    first_word = title.split(" ", 1)[0] if title else ""
    if (
        last is not None
        and not parsed.et_al
        and last["surname"] in GIVEN_NAMES
        and re.fullmatch(r"[A-Z][a-z]+", first_word)
        and " " in title
        # the rest must read as a title: "Press" + "Studies of ...", not "Nitric" + "oxide ..."
        and title.split(" ", 1)[1][:1].isupper()
    ):
        guess = f"{first_word}, {last['surname'][0]}.{last['initials']}"
        names[-1] = guess
        parsed.doubt(
            "reference_author_split",
            "warning",
            f"last author {parsed.authors[-1]!r} is a given name and the title opens with "
            f"{first_word!r}: probably the author {guess!r} split across the author list and "
            f"the title (title then {title.split(' ', 1)[1]!r}); authors and title kept as "
            "written, authors_normalized holds the repaired name",
        )
    # "Manich, C.S." next to "Saura Manich, C.", "Bars, R.L." next to "Le Bars, R.": one person
    # printed twice, the particle or first surname moved into the initials.
    for i, a in enumerate(parts):
        for b in parts:
            if a is None or b is None or a is b:
                continue
            words = b["surname"].split(" ")
            if len(words) > 1 and words[-1] == a["surname"]:
                extra = "".join(w[0].upper() + "." for w in words[:-1])
                if a["initials"] == b["initials"] + extra:
                    parsed.doubt(
                        "reference_author_duplicate",
                        "warning",
                        f"{parsed.authors[i]!r} looks like {b.group(0)!r} printed a second time "
                        "with part of the surname moved into the initials; both kept as written",
                    )


def parse_entry(text: str) -> Parsed:
    """Return the fields of one reference entry (its text after the list number)."""
    parsed = Parsed()
    body = _take_links(text, parsed)
    accessed = ACCESSED.search(body)
    if accessed:
        parsed.accessed = dt.datetime.strptime(accessed["date"], "%d %B %Y").date()
        body = (body[: accessed.start()] + body[accessed.end() :]).strip()
    head, tail_end, book_title = _read_source(body, parsed)
    _read_tail(body[tail_end:].strip(), parsed)
    _read_authors_and_title(head, parsed, book_title)
    return parsed


def _read_source(body: str, parsed: Parsed) -> tuple[str, int, str]:
    """Read the source part at the end of `body` (a journal, a book or a web page) into
    `parsed`; return the text before it (authors and title), where it ends, and the title
    of a whole book (printed in the source part)."""
    book_title = ""
    book = BOOK_TAIL.search(body)
    journal = JOURNAL_TAIL.search(body)
    online = AVAILABLE_ONLINE.search(body)
    found = book or journal or online
    status = JOURNAL_STATUS.search(body) if not found else None
    meeting = PROCEEDINGS_TAIL.search(body) if not (found or status) else None
    patent = PATENT_TAIL.search(body) if not (found or status or meeting) else None
    thesis = THESIS_TAIL.search(body) if not (found or status or meeting or patent) else None
    if book and (journal is None or book.start() < journal.start()):
        head, tail_end = body[: book.start()], book.end()
        parsed.pub_type = "book_chapter"
        parsed.journal = plain(book["book"])
        parsed.year = int(book["year"])
        parsed.pages = book["pages"]
        parsed.volume = book["volume"]
        parsed.publisher = plain(book["publisher"])
        parsed.publisher_place = plain(book["place"])
    elif journal is None and not online and WHOLE_BOOK.search(body):
        whole = WHOLE_BOOK.search(body)
        head, tail_end = body[: whole.start()], whole.end()
        parsed.pub_type = "book"
        parsed.year = int(whole["year"])
        parsed.publisher = plain(whole["publisher"])
        parsed.publisher_place = plain(whole["place"])
        book_title = whole["book"]
    elif journal:
        head, tail_end = body[: journal.start()], journal.end()
        parsed.pub_type = "journal_article"
        parsed.journal = plain(journal["journal"])
        parsed.year = int(journal["year"])
        parsed.volume = plain(journal["volume"])
        parsed.issue = plain(journal["issue"])
        parsed.pages = journal["pages"]
        if parsed.pages is None:
            parsed.doubt(
                "reference_cut_short",
                "warning",
                "journal reference without pages or article number: the entry looks cut short",
            )
    elif online:
        head, tail_end = body[: online.start()], online.end()
        host = (parsed.url or "").split("/")[2] if parsed.url else ""
        registry = any(host == h or host.endswith("." + h) for h in REGISTRY_HOSTS)
        parsed.pub_type = "registry_record" if registry else "web_page"
        if parsed.url:
            nct = NCT_IN_URL.search(parsed.url)
            parsed.trial_id = nct["nct"] if nct else None
        if parsed.url is None:
            parsed.doubt("reference_url_missing", "warning", "'Available online:' without a link")
    elif status:
        head, tail_end = body[: status.start()], status.end()
        parsed.pub_type = "journal_article"
        parsed.journal = plain(status["journal"])
        parsed.year = int(status["year"])
        parsed.volume = plain(status["volume"])
        parsed.note = plain(status["status"])
    elif patent:
        head, tail_end = body[: patent.start()], patent.end()
        parsed.pub_type = "patent"
        parsed.note = plain(patent["number"])
        parsed.year = int(patent["year"]) if patent["year"] else None
    elif thesis:
        head, tail_end = body[: thesis.start()], thesis.end()
        parsed.pub_type = "thesis"
        parsed.note = plain(f"{thesis['kind']} Thesis")
        parsed.publisher = plain(thesis["school"])
        parsed.publisher_place = plain(thesis["place"]) if thesis["place"] else None
        parsed.year = int(thesis["year"])
    elif meeting:
        head, tail_end = body[: meeting.start()], meeting.end()
        parsed.pub_type = "conference_paper"
        parsed.journal = plain(meeting["meeting"])
        parsed.year = int(meeting["year"])
        parsed.pages = meeting["pages"]
        parsed.publisher_place = plain(meeting["place"]) if meeting["place"] else None
    else:
        head, tail_end = body, len(body)
        parsed.doubt(
            "reference_unparsed",
            "error",
            "no journal (*Journal* **year**), book (In *Book*;) or web (Available online:) "
            "part found; the text is kept in raw and title",
        )
    return head, tail_end, book_title


def _read_tail(rest: str, parsed: Parsed) -> None:
    """Keep text after the source part as a note: an erratum, else a doubt."""
    if rest:
        parsed.note = plain(rest)
        if rest.lower().startswith("erratum"):
            parsed.doubt(
                "reference_erratum",
                "info",
                f"entry carries an erratum note ({parsed.note!r}); the DOI may be the erratum's",
            )
        else:
            parsed.doubt("reference_unparsed_tail", "warning", f"text after the source: {rest!r}")


def _read_authors_and_title(head: str, parsed: Parsed, book_title: str = "") -> None:
    """Read the authors and the title before the source part, and check them (a whole
    book's title is `book_title`, printed in the source part)."""
    title_start = _parse_authors(head, parsed)
    title = head[title_start:].strip()
    # "Garg, A. (Eds.) Title": the authors were the editors; the mark is not the title's
    title = EDITORS_MARK.sub("", title)
    if parsed.pub_type == "book":
        if not parsed.authors and title:
            # a corporate author ("Daiichi Sankyo Inc.; AstraZeneca."): names as printed
            names = [n.strip() for n in title.split("; ") if n.strip()]
            if not CORPORATE_SUFFIX.search(names[-1]):
                names[-1] = names[-1].rstrip(".")
            parsed.authors, parsed.authors_normalized = names, list(names)
        title = book_title
    if parsed.pub_type in WEB_TYPES and not parsed.authors:
        sentences = SENTENCE_BREAK.split(_strip_end(title))
        if len(sentences) > 1 and YEAR_SENTENCE.match(sentences[-1]):
            parsed.year = int(sentences.pop())
        if len(sentences) > 1:
            parsed.authors, parsed.authors_normalized = [sentences[0]], [sentences[0]]
            sentences = sentences[1:]
        title = ". ".join(sentences)
    elif parsed.pub_type in WEB_TYPES:
        sentences = SENTENCE_BREAK.split(_strip_end(title))
        if len(sentences) > 1 and YEAR_SENTENCE.match(sentences[-1]):
            parsed.year = int(sentences.pop())
            if len(sentences) > 1:
                # "Columbus, G. Title. Targeted Oncology. 2018. Available online: ...": the
                # sentence before the year names the site that published the page
                parsed.publisher = plain(sentences.pop())
        title = ". ".join(sentences)
    parsed.title = plain(_strip_end(title)) if title else None
    if parsed.title is None:
        parsed.doubt("reference_title_missing", "warning", "no title between authors and source")
    elif "$" in title or LATEX_COMMAND.search(title):
        parsed.doubt(
            "reference_latex_markup",
            "info",
            # Quoted as printed, not repr(): a repr would double every backslash.
            f"title written with LaTeX markup ('{_strip_end(title)}'); symbols converted",
        )
    if parsed.title:
        rep = REPEATED_WORDS.search(parsed.title)
        if rep:
            parsed.doubt(
                "reference_title_repeated",
                "warning",
                f"title repeats {rep['run']!r} twice in a row; kept as written",
            )
    if not parsed.authors and parsed.pub_type not in WEB_TYPES:
        parsed.doubt("reference_authors_missing", "warning", "no author list could be read")
    _check_authors(parsed, parsed.title or "")
