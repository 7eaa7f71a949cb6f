"""Build ``src/brandwatch_cli/data/fr_lexicon_pattern.tsv`` from Pattern's French lexicon.

Source: ``textblob_fr/fr-sentiment.xml`` in the PyPI wheel of ``textblob-fr`` 0.2.0 (``pip
download --no-deps textblob-fr==0.2.0``), Pattern's "subjectivity lexicon for French
adjectives" version 1.1 by Tom De Smedt, Walter Daelemans and fabelier.org, released under the
PDDL (the file's own ``license`` attribute). It scores about 5,000 adjective forms with a
polarity in -1..+1 and a subjectivity in 0..1; it fills what our lexicons lack (``solidaire``
is not in it, but ``épatant``, ``insolent``, ``mesquin`` are).

What is kept, so that the file only adds and never overrides:
1. forms neither ``fr_lexicon_vader.tsv`` nor ``fr_lexicon_brand.tsv`` knows (folded);
2. an opinion, not a topic: mean polarity at least 0.2 away from 0 and mean subjectivity at
   least 0.3 (``littéraire``, ``mental``, ``universel`` describe, they do not judge), and
   none of the topic words below;
3. valence = polarity x 3 on VADER's -4..+4 scale, rounded to 0.1 (Pattern's strongest words,
   ``excellent`` 1.0 and ``horrible`` -1.0, land where VADER puts them).

    python scripts/build_fr_lexicon_pattern.py PATH/TO/fr-sentiment.xml [OUTPUT]
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from brandwatch_cli.text import fold  # noqa: E402 - after the path is set

DATA = ROOT / "src" / "brandwatch_cli" / "data"
ENTRY = re.compile(
    r'<word form="([^"]+)" pos="(\w+)" polarity="([-\d.]+)" subjectivity="([-\d.]+)"'
)
#: Adjectives that name a topic in the news more often than they judge it.
TOPIC = frozenset(
    {
        "durable",
        "durables",
        "propre",
        "propres",
        "vert",
        "verte",
        "verts",
        "vertes",
        "renouvelable",
        "renouvelables",
        "social",
        "sociale",
        "sociaux",
        "sociales",
        "public",
        "publique",
        "publics",
        "publiques",
        "politique",
        "politiques",
        "nucleaire",
        "nucleaires",
        "ecologique",
        "ecologiques",
        "economique",
        "economiques",
        "militaire",
        "militaires",
        "national",
        "nationale",
        "nationaux",
        "nationales",
        "populaire",
        "populaires",
        "libre",
        "libres",
        "international",
        "internationale",
        "internationaux",
        "internationales",
    }
)


def known_forms() -> set[str]:
    forms = set()
    for line in (DATA / "fr_lexicon_vader.tsv").read_text(encoding="utf-8").splitlines():
        forms.add(line.split("\t")[0])
    for line in (DATA / "fr_lexicon_brand.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            forms.update(fold(f.strip()) for f in line.split("\t")[1].split(","))
    return forms


def main() -> None:
    source = Path(sys.argv[1])
    output = Path(sys.argv[2]) if len(sys.argv) > 2 else DATA / "fr_lexicon_pattern.tsv"
    known = known_forms()
    scores: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for form, pos, polarity, subjectivity in ENTRY.findall(source.read_text(encoding="utf-8")):
        key = fold(form)
        if pos == "JJ" and key and key not in known and key not in TOPIC and " " not in key:
            scores[key].append((float(polarity), float(subjectivity)))
    lines = []
    for key, values in sorted(scores.items()):
        polarity = sum(p for p, _ in values) / len(values)
        subjectivity = sum(s for _, s in values) / len(values)
        if abs(polarity) >= 0.2 and subjectivity >= 0.3:
            lines.append(f"{key}\t{round(polarity * 3, 1)}")
    header = "# From Pattern's fr-sentiment.xml 1.1 (PDDL), see LICENSES.md.\n"
    output.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{output}: {len(lines)} entries")


if __name__ == "__main__":
    main()
