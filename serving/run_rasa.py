"""``python -m serving.run_rasa run --model M ...`` is ``rasa run --model M ...``, started lean.

* ``rasa_internals.apply_all()``: the fixes for Rasa hot spots found by profiling (same
  behaviour, less work), each one switchable (README, "Rasa internals");
* when every component of the model is known to be TensorFlow-free (rasa_internals/tf_free.py),
  TensorFlow itself is never imported. With ``PORE_CARE_DISABLE=tensorflow_stand_in`` it always is;
* nor are matplotlib (without ``--enable-api``) and pymongo (without a Mongo tracker store):
  rasa_internals/unused_imports.py.
"""

import sys
from pathlib import Path
from typing import List, Optional

import rasa_internals
from rasa_internals import tf_free, unused_imports


def model_argument(argv: List[str]) -> Optional[Path]:
    for index, arg in enumerate(argv):
        if arg in ("--model", "-m") and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--model="):
            return Path(arg.split("=", 1)[1])
    return None


def should_stub_tensorflow(argv: List[str]) -> bool:
    if argv[:1] != ["run"] or argv[1:2] == ["actions"]:
        return False
    return tf_free.stand_in_suits(model_argument(argv))


def prepare(argv: List[str]) -> None:
    """Set the process up lean for ``rasa <argv>``; call before anything imports Rasa."""
    if should_stub_tensorflow(argv):
        tf_free.install()
    unused = unused_imports.unused_packages(argv)
    if unused:
        tf_free.install(unused)
    rasa_internals.apply_all()


def main(argv: Optional[List[str]] = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    prepare(argv)
    sys.argv = ["rasa", *argv]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
