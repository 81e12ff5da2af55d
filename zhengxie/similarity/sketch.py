"""The text side of similar proposals (提案查重): normalising, character shingles, MinHash signatures and LSH band
keys. Pure functions of the text, no database: the index (``services``) stores what these compute.

The score is exact: the Jaccard similarity of two texts' shingle sets, |A ∩ B| / |A ∪ B|, where a text's shingles
are the 32-bit CRC of every run of ``K`` consecutive characters of its normalised form (title and body together).
MinHash and LSH only choose which proposals are scored."""

import unicodedata
import zlib
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from zhengxie.core.chinese import normalize

# Chosen by measurement (docs/decisions.md): 3 characters keep a changed two-character word from touching
# more than four shingles, while unrelated texts share few (common 2-grams such as 建设 or 发展 would make every
# proposal look alike).
K = 3
# 32 bands of 2 rows: a pair of texts becomes a candidate with probability 1 - (1 - J²)^32 (0.72 at J = 0.2,
# 0.95 at J = 0.3, over 0.999 at J ≥ 0.45); the candidates are then ranked by their exact score.
BANDS = 32
ROWS = 2
NUM_PERM = BANDS * ROWS
SEED = 20260
# The exact score below which a proposal is not shown as similar: at this overlap two texts share only the
# phrases every proposal uses (docs/decisions.md: how the score of unrelated proposals is distributed).
MIN_SCORE = 0.2


def normalise(text: str) -> str:
    """Simplified characters, full-width folded (NFKC), lower case, only letters and digits: punctuation,
    whitespace and symbols never make two texts differ."""
    text = normalize(text)
    # Each distinct character's category looked up once (a proposal is hundreds of characters, a few hundred
    # distinct), the others deleted in one pass.
    return text.translate({ord(ch): None for ch in set(text) if unicodedata.category(ch)[0] not in "LN"})


def shingles(text: str) -> np.ndarray:
    """The sorted, distinct 32-bit hashes of the normalised text's ``K``-character runs (a text shorter than
    ``K`` is one shingle; an empty one has none)."""
    norm = normalise(text)
    if not norm:
        return np.empty(0, dtype=np.uint32)
    data = norm.encode("utf-32-le")  # four bytes a character: a run of K characters is a fixed slice
    width = 4 * K
    if len(data) <= width:
        hashes = [zlib.crc32(data)]
    else:
        hashes = [zlib.crc32(data[i : i + width]) for i in range(0, len(data) - width + 4, 4)]
    return np.unique(np.array(hashes, dtype=np.uint32))


def proposal_text(title: str, *parts: str) -> str:
    return "\n".join([title or "", *(p or "" for p in parts)])


@lru_cache(maxsize=1)
def _permutations():
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations


def signature(shingle_set: np.ndarray) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` values) of a shingle set, through datasketch's MinHash."""
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, permutations=_permutations(), scheme="affine32")
    if len(shingle_set):
        mh.update_batch(shingle_set.tolist())
    return mh.hashvalues


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band: the band's two 32-bit MinHash values side by side (exact, no hash on top)."""
    values = sig.astype(np.uint64).reshape(BANDS, ROWS)
    keys = (values[:, 0] << np.uint64(32)) | values[:, 1]
    return keys.view(np.int64).tolist()


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """|A ∩ B| / |A ∪ B| of two sorted distinct shingle arrays (0 when both are empty)."""
    if not len(a) or not len(b):
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (len(a) + len(b) - common)


def to_bytes(shingle_set: np.ndarray) -> bytes:
    return shingle_set.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4")
