"""Calibrate the positions view's "does not address this" rule (qa.positions.POSITION_THRESHOLDS).

For each speaker of the indexed documents: the best cosine of their passages to a topic, and whether one of their
passages contains every word of the topic ("w"), for the suggested topics (which the case document discusses) and
for topics it never discusses. The cosine threshold must lie above every off-topic best. Prints the decisions the
current rule makes ("+" addresses, "." does not).

Run: PYTHONPATH=. python docs/calibrate_positions.py
"""

from __future__ import annotations

import numpy as np

from qa.positions import OFF_TOPIC_PROBES, calibrate_threshold, speaker_positions, speakers, threshold_for
from qa.service import open_qa
from qa.settings import Settings
from qa.webapp import TOPICS

OFF_TOPIC = [*OFF_TOPIC_PROBES, "cykelbanor i innerstaden", "badhusets öppettider", "parkeringsavgifter",
             "skogsbränder"]


def main() -> None:
    qa = open_qa(Settings.from_env())
    passages, vectors = qa.index.passages, qa.index.vectors
    actors = speakers(passages)
    threshold = threshold_for(qa.embedder.model_id) or calibrate_threshold(passages, vectors, qa.embedder)
    print(f"model: {qa.embedder.model_id}\n{len(passages)} passages, {len(actors)} speakers, "
          f"cosine threshold {threshold:.3f}")
    for label, topics in (("ON", TOPICS), ("OFF", OFF_TOPIC)):
        print(f"\n{label}-topic: best cosine per speaker, w = all topic words in one passage, + = addresses")
        print(f"{'':40}  " + " ".join(f"{x[:12]:>14}" for x in topics))
        table = {t: {r.actor: r for r in speaker_positions(t, passages, vectors, qa.embedder, threshold,
                                                             lexical=qa.index.lexical)} for t in topics}
        bests = []
        for a in actors:
            cells = []
            for t in topics:
                r = table[t][a]
                bests.append(r.score)
                cells.append(f"{r.score:.3f} {'w' if r.words_found else ' '}{'+' if r.addresses else '.'}")
            print(f"{a[:40]:<40}  " + " ".join(f"{c:>14}" for c in cells))
        b = np.array(bests)
        print(f"cosine: max {b.max():.3f}  mean {b.mean():.3f}  min {b.min():.3f}")


if __name__ == "__main__":
    main()
