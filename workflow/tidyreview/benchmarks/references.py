"""Reference parsing: ours against refextract (INSPIRE's reference extractor).

Both parse the same 456 entries of the reference list, each given as "N. <entry text>" (page
breaks already joined), refextract in one call over the whole list. Reported: the time each
takes for all entries, accuracy on year, DOI and first author against the hand-verified
sample (VERIFIED, the same entries and values as the sample in
tests/fixtures/references_sample.csv), and agreement between the two parsers on all entries.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from tidyreview.layout import read_layout
from tidyreview.reference_fields import parse_entry
from tidyreview.references import split_entries
from tidyreview.source import load_source

# ref_id -> (first author as printed, year, DOI), typed from the source lines; checked
# against the full hand-verified sample by tests/test_references.py.
VERIFIED: dict[int, tuple[str | None, int | None, str | None]] = {
    1: ("Sung, H.", 2021, "10.3322/caac.21660"),
    4: ("Slamon, D.J.", 1989, None),
    9: ("Cogswell, P.C.", 2000, "10.1038/sj.onc.1203412"),
    16: ("Gianni, L.", 2014, "10.1016/S1470-2045(14)70080-4"),
    24: ("Wang, R.", 2018, None),
    27: ("O'Callaghan, J.", 2019, "10.1007/s00228-018-2542-1"),
    40: ("Mercogliano, M.F.", 2017, None),
    54: ("Gong, J.", 2020, "10.1136/jitc-2020-SITC2020.0339"),
    72: ("Oberg, H.H.", 2018, None),
    75: ("Teachey DT", 2013, "10.1182/blood-2016-07-730671"),
    83: ("van der Lee, M.M.C.", 2015, "10.1158/1535-7163.MCT-14-0881-T"),
    84: ("Banerji, U.", 2019, "10.1016/S1470-2045(19)30328-6"),
    86: ("von Minckwitz, G.", 2019, "10.1056/NEJMoa1814017"),
    93: ("Krop, I.E.", 2017, "10.1016/S1470-2045(17)30313-3"),
    101: ("Modi, S.", 2021, None),
    109: ("Manich, C.S.", 2021, None),
    128: ("Dumbrava, E.I.", 2021, None),
    131: ("Yurkovetskiy, A.", 2017, None),
    142: ("Scaltriti, M.", 2009, "10.1038/onc.2008.432"),
    160: ("Chan, A.", 2016, "10.1016/S1470-2045(15)00551-3"),
    161: ("Chan, A.", 2021, None),
    189: ("Simmons, C.", 2022, "10.1177/17588359211066677"),
    195: ("Zhang, J.", 2022, None),
    203: ("Zhao, Y.", 2019, None),
    206: ("Waks, A.G.", 2022, "10.1136/jitc-2022-005119"),
    219: ("Biologics, I.", 2021, None),
    237: ("Dieci, M.V.", 2019, "10.1093/annonc/mdz007"),
    247: ("Grupp, S.A.", 2013, "10.1056/NEJMoa1215134"),
    259: ("Brentjens, R.J.", 2013, "10.1126/scitranslmed.3005930"),
    275: ("Guedan, S.", 2019, "10.1016/j.omtm.2018.12.009"),
    293: (None, None, None),
    296: (None, None, None),
    303: ("Szőör, Á.", 2020, "10.1016/j.canlet.2020.04.008"),
    304: ("Azim, H.A.", 2012, "10.2217/fon.11.149"),
    311: ("NCI", None, None),
    319: (None, None, None),
    340: ("Ebrahimiyan, H.", 2022, "10.1016/j.intimp.2022.108587"),
    352: ("Nomura, A.", 2001, "10.1016/s0301-472x(01)00689-0"),
    356: ("Zhu, H.", 2019, "10.1007/978-1-4939-9728-2_12"),
    375: ("Eitler, J.", 2021, "10.1136/jitc-2020-001334"),
    377: (None, None, None),
    391: ("Mantovani, A.", 2002, "10.1016/s1471-4906(02)02302-5"),
    407: (None, None, None),
    413: ("Pallerla, S.", 2021, "10.3390/ijms22020779"),
    424: ("Kristensen, V.N.", 2012, "10.1073/pnas.1108781108"),
    429: ("Disis, M.L.", 2004, "10.1200/JCO.2004.09.005"),
    437: ("Gasparri, M.L.", 2017, None),
    447: ("Bars, R.L.", 2014, None),
    450: ("Wahlgren, J.", 2012, "10.1093/nar/gks463"),
    456: ("Lundberg, E.", 2019, "10.1038/s41580-018-0094-y"),
}

FIELDS = ("first_author", "year", "doi")
Fields = dict[str, object]

# refextract writes DOIs as "doi:10.x/y", sometimes with a stray closing ">" or ")" taken
# from the markdown around them: "doi:10.3322/caac.21660>"
_DOI_PREFIX = re.compile(r"^doi:\s*", re.IGNORECASE)


def _clean_doi(doi: str | None) -> str | None:
    """Return a DOI without "doi:" and without a dangling '>', '.' or unbalanced ')'."""
    if not doi:
        return None
    doi = _DOI_PREFIX.sub("", doi.strip()).rstrip(">.,;")
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1]
    return doi or None


def _entries(source_path: str):
    source = load_source(source_path)
    return split_entries(read_layout(source).reference_lines, source.path)


def ours(entries) -> dict[int, Fields]:
    """Return {ref_id: fields} from our parser."""
    out = {}
    for e in entries:
        p = parse_entry(e.text)
        out[e.number] = {
            "first_author": p.authors[0] if p.authors else None,
            "year": p.year,
            "doi": p.doi,
        }
    return out


def peer(entries) -> dict[int, Fields]:
    """Return {ref_id: fields} from refextract (raises ImportError if not installed).

    refextract splits an entry at each ';' into several partial references sharing the
    entry's line marker; its first author is the first author of the first part, its year
    and DOI the first ones found in any part.
    """
    from refextract import extract_references_from_string

    text = "\n".join(f"{e.number}. {e.text}" for e in entries)
    parts: dict[int, list[dict]] = {}
    for ref in extract_references_from_string(text):
        marker = (ref.get("linemarker") or [""])[0]
        if marker.isdigit():
            parts.setdefault(int(marker), []).append(ref)
    out = {}
    for e in entries:
        found = parts.get(e.number, [])

        def first(key: str, found=found):
            return next((r[key][0] for r in found if r.get(key)), None)

        year = first("year")
        out[e.number] = {
            "first_author": (found[0].get("author") or [None])[0] if found else None,
            "year": int(year) if year and year.isdigit() else None,
            "doi": _clean_doi(first("doi")),
        }
    return out


def _timed(parse: Callable, entries, repeat: int) -> tuple[dict, float]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = parse(entries)
        best = min(best, time.perf_counter() - t0)
    return result, best


def _accuracy(parsed: dict[int, Fields], field: str) -> tuple[int, int]:
    index = FIELDS.index(field)
    right = sum(parsed.get(i, {}).get(field) == truth[index] for i, truth in VERIFIED.items())
    return right, len(VERIFIED)


def run(source_path: str) -> list[str]:
    """Return report lines: time for all entries and field accuracy, ours vs refextract."""
    entries = _entries(source_path)
    n = len(entries)
    mine, t_mine = _timed(ours, entries, repeat=5)
    lines = [f"entries: {n}; truth: hand-verified sample of {len(VERIFIED)} entries"]
    lines.append(f"ours:       {t_mine * 1000:9.1f} ms for all {n} entries (best of 5)")
    try:
        theirs, t_peer = _timed(peer, entries, repeat=1)
    except ImportError:
        lines.append(
            "refextract: NOT INSTALLED - no comparison made. Install it with "
            "`pip install refextract==1.1.7` (or pip install -e '.[bench]')."
        )
        for field in FIELDS:
            right, total = _accuracy(mine, field)
            lines.append(f"  {field:12s} ours {right}/{total}")
        return lines
    speedup = t_peer / t_mine if t_mine else float("inf")
    verdict = "ok" if speedup >= 10 else "BELOW TARGET"
    lines.append(f"refextract: {t_peer * 1000:9.1f} ms for all {n} entries (one call)")
    lines.append(f"speed-up: {speedup:,.0f}x (target >= 10x: {verdict})")
    lines.append(
        "accuracy on the verified sample (refextract DOIs stripped of 'doi:' and stray '>', ')'):"
    )
    for field in FIELDS:
        r_mine, total = _accuracy(mine, field)
        r_peer, _ = _accuracy(theirs, field)
        ok = "ok" if r_mine >= r_peer else "BELOW PEER"
        lines.append(
            f"  {field:12s} ours {r_mine:3d}/{total} ({r_mine / total:6.1%})   "
            f"refextract {r_peer:3d}/{total} ({r_peer / total:6.1%})   {ok}"
        )
    lines.append(f"agreement between the two on all {n} entries:")
    for field in FIELDS:
        same = sum(mine[e.number][field] == theirs[e.number][field] for e in entries)
        lines.append(f"  {field:12s} {same:3d}/{n} ({same / n:6.1%})")
    return lines
