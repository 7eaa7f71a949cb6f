"""Build ``src/brandwatch_cli/data/language_model.npz`` from py3langid's own model.

py3langid ships one model for its 142 classes, LZMA-compressed: every process that detects a
language decompresses 68 MB for it, about 0.8 s of CPU (and every parsing worker of a big scan
did it again). Detection only ever considers ``language.LANGUAGES``, so this keeps the weights
of those 33 columns, in the order ``set_languages`` leaves them, and the byte n-gram automaton
unchanged; zlib instead of LZMA. The same answers (``tests/test_language.py`` checks them
against the full model), loaded in about a sixth of the time.

    python scripts/build_language_model.py [OUTPUT]

Run it again after upgrading py3langid: the file records the version it was built from, and
the test comparing both models is skipped when the installed one differs.
"""

from __future__ import annotations

import io
import lzma
import sys
from pathlib import Path

import numpy as np
import py3langid
from py3langid.langid import MODEL_DIR, MODEL_FILE

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from brandwatch_cli.language import LANGUAGES  # noqa: E402 - after the path is set

OUTPUT = ROOT / "src" / "brandwatch_cli" / "data" / "language_model.npz"


def build(output: Path = OUTPUT) -> None:
    """Write the trimmed model to ``output``."""
    with lzma.open(MODEL_DIR / MODEL_FILE) as source:
        full = np.load(io.BytesIO(source.read()), allow_pickle=False)
        classes = full["classes"].tolist()
        kept = [index for index, code in enumerate(classes) if code in LANGUAGES]
        missing = set(LANGUAGES) - {classes[index] for index in kept}
        if missing:
            sys.exit(f"py3langid has no model for {sorted(missing)}")
        arrays = {
            "ptc": np.ascontiguousarray(full["ptc"][:, kept]),
            "pc": full["pc"][kept],
            "classes": full["classes"][kept],
            "nextmove": full["nextmove"],
            "nextmove_row": full["nextmove_row"],
            "out_feat": full["out_feat"],
            "py3langid": np.array(py3langid.__version__),
        }
    np.savez_compressed(output, **arrays)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
    print(f"wrote {sys.argv[1] if len(sys.argv) > 1 else OUTPUT}")
