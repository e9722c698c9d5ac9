"""``python -m serving.run_rasa run --model M ...`` is ``rasa run --model M ...``, started lean.

* patches.py: the fixes for Rasa hot spots found by profiling (same behaviour, less work);
* when the model needs no TensorFlow component (see tf_free.py), TensorFlow itself is never
  imported. With ``PORE_CARE_TF_STUB=0`` in the environment it always is.
"""

import os
import sys
from pathlib import Path
from typing import List, Optional

from rasa_internals import patches, tf_free


def model_argument(argv: List[str]) -> Optional[Path]:
    for index, arg in enumerate(argv):
        if arg in ("--model", "-m") and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--model="):
            return Path(arg.split("=", 1)[1])
    return None


def should_stub_tensorflow(argv: List[str]) -> bool:
    if os.environ.get("PORE_CARE_TF_STUB", "1") == "0" or argv[:1] != ["run"] or argv[1:2] == ["actions"]:
        return False
    model = model_argument(argv)
    if model is None or not model.is_file():
        return False
    try:
        return not tf_free.model_needs_tensorflow(model)
    except Exception:  # an unreadable archive: let Rasa report it
        return False


def prepare(argv: List[str]) -> None:
    """Set the process up lean for ``rasa <argv>``; call before anything imports Rasa."""
    if should_stub_tensorflow(argv):
        tf_free.install()
    patches.apply()


def main(argv: Optional[List[str]] = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    prepare(argv)
    sys.argv = ["rasa", *argv]
    from rasa.__main__ import main as rasa_main

    rasa_main()

if __name__ == "__main__":
    main()
