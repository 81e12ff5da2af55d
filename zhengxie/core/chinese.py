"""Chinese text as every text feature reads it (search, similar proposals, unit suggestion): one normalisation and
one jieba tokenizer per process, so a server process holds jieba's dictionary once.

* ``normalize``: Unicode NFKC (full-width letters and digits become ordinary ones), lower case, control and format
  characters as spaces, and traditional characters turned into simplified ones with OpenCC (``t2s``), so either
  form finds the other.
* ``tokenizer``: jieba's tokenizer with its kept dictionary plus the committee's own terms (``data/terms.txt``:
  提案, 交办, 承办单位 …), made once per process (loading the dictionary takes about a second; jieba keeps its prefix
  dictionary in a cache file after the first time).
"""

import threading
import unicodedata
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("data") / "terms.txt"

_lock = threading.Lock()
_state: dict = {}


def tokenizer():
    """The process's jieba tokenizer, with the committee's terms."""
    made = _state.get("jieba")
    if made is None:
        with _lock:
            made = _state.get("jieba")
            if made is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                made = jieba.Tokenizer()
                made.initialize()
                made.load_userdict(str(TERMS_FILE))
                _state["jieba"] = made
    return made


def to_simplified(text: str) -> str:
    """``text`` with traditional characters turned into simplified ones (OpenCC ``t2s``)."""
    converter = _state.get("opencc")
    if converter is None:
        import opencc

        converter = _state["opencc"] = opencc.OpenCC("t2s")
    return converter.convert(text)


def normalize(text: str) -> str:
    """NFKC, lower case, simplified characters; NUL and other control or format characters become spaces."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return to_simplified(text)
