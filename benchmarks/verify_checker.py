"""Measure the sentence checker (``qa.verify``) on true and deliberately altered cited sentences.

True pairs: each evidence sentence of the dev file, cited to the passage it comes from — verbatim, and framed the
way a model writes it ("Stadsledningskontoret anser att …"). False pairs, from the same sentences: a number
changed, negation flipped, a name swapped, the speaker swapped, or cited to another passage. "Positive" means the
checker keeps the sentence: precision is the share of kept sentences that are true, recall the share of true
sentences kept. ``--all-sentences`` builds pairs from every sentence of the corpus, not only the evidence.

    python benchmarks/verify_checker.py [--all-sentences] [--corpus corpus/]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.ingest import iter_passages, list_corpus  # noqa: E402
from qa.passages import Passage  # noqa: E402
from qa.sentences import sentence_spans  # noqa: E402
from qa.verify import Checker, Source, _names  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
OTHER_NAMES = ["Göteborg", "Malmö", "Uppsala", "Region Skåne", "SKL", "Sollentuna"]
VERBS = r"\b(är|ska|har|kan|bör|kommer|blir|finns|måste|skulle|var|hade|behöver|anser|tillstyrker)\b"


def _fold(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def _source(p: Passage) -> Source:
    return Source(p.text, " · ".join(x for x in (p.actor, p.section) if x))


def _speaker(p: Passage) -> str:
    return re.split(r"[ (]", p.actor, maxsplit=1)[0] or p.actor


def _lower_first(s: str) -> str:
    return s[0].lower() + s[1:] if s and not (len(s) > 1 and s[1].isupper()) else s


def altered(sentence: str, p: Passage, speakers: list[str], rng: random.Random) -> dict[str, str]:
    """The false variants that can be made from ``sentence`` (kind -> text)."""
    out: dict[str, str] = {}
    m = re.search(r"\d+", sentence)
    if m:
        out["number"] = sentence[:m.start()] + str(int(m.group()) + rng.choice([1, 2, 5, 10])) + sentence[m.end():]
    neg = re.search(r"\s(inte|ej|aldrig)\b", sentence)
    if neg:
        out["negation"] = sentence[:neg.start()] + sentence[neg.end():]
    elif (v := re.search(VERBS, sentence)) is not None:
        out["negation"] = sentence[:v.end()] + " inte" + sentence[v.end():]
    names = [n for n in _names(sentence) if n]
    if names:
        new = next(x for x in OTHER_NAMES if x.lower() not in p.text.lower())
        out["name"] = sentence.replace(names[0], new, 1)
    other = next((s for s in speakers if s.lower() not in (p.actor + " " + p.text).lower()), None)
    if other:
        out["speaker"] = f"{other} anser att {_lower_first(sentence)}"
    return out


def pairs(passages: list[Passage], all_sentences: bool, seed: int = 7) -> list[tuple[str, bool, str, list[Source]]]:
    """(kind, is_true, sentence with [1], sources) — the cited passage is always [1], a distractor [2]."""
    rng = random.Random(seed)
    targets: list[tuple[Passage, str]] = []
    if all_sentences:
        for p in passages:
            targets += [(p, p.text[a:b]) for a, b in sentence_spans(p.text) if len(p.text[a:b].split()) >= 6]
    else:
        for line in DEV.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for ev in row.get("evidence_any", [])[:1] + row.get("evidence_all", []):
                p = next((p for p in passages if _fold(ev) in _fold(p.text)), None)
                if p is None:
                    continue
                at = _fold(p.text).index(_fold(ev))
                span = next(((a, b) for a, b in sentence_spans(p.text) if a <= at < b), None)
                if span:
                    targets.append((p, p.text[span[0]:span[1]]))
    speakers = sorted({_speaker(p) for p in passages if _speaker(p)})
    out = []
    for p, sent in targets:
        others = [q for q in passages if q.chunk_id != p.chunk_id and _fold(sent) not in _fold(q.text)]
        distractor = rng.choice(others)
        srcs = [_source(p), _source(distractor)]
        body = sent.rstrip(".!? ")
        out.append(("true verbatim", True, f"{body} [1].", srcs))
        out.append(("true framed", True, f"{_speaker(p)} anser att {_lower_first(body)} [1].", srcs))
        for kind, text in altered(body, p, speakers, rng).items():
            out.append((f"false {kind}", False, f"{text} [1].", srcs))
        out.append(("false wrong passage", False, f"{body} [2].", srcs))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--all-sentences", action="store_true", help="pairs from every corpus sentence")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    passages = list(iter_passages(list_corpus(args.corpus)))
    data = pairs(passages, args.all_sentences)
    checker = Checker()
    kept_by: Counter[str] = Counter()
    total_by: Counter[str] = Counter()
    tp = fp = fn = 0
    for kind, truth, text, srcs in data:
        c = checker.check(text, srcs)
        total_by[kind] += 1
        kept_by[kind] += c.supported
        tp += c.supported and truth
        fp += c.supported and not truth
        fn += (not c.supported) and truth
        if args.show_errors and c.supported != truth:
            print(f"  {kind}: {c.reason} | {text[:150]}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    print(f"{'pairs':<22}{'n':>5}{'kept':>8}")
    for kind in sorted(total_by):
        print(f"{kind:<22}{total_by[kind]:>5}{kept_by[kind] / total_by[kind]:>8.2f}")
    print(f"\nprecision {precision:.3f}  recall {recall:.3f}  ({len(data)} pairs, "
          f"{sum(1 for d in data if d[1])} true)")


if __name__ == "__main__":
    main()
