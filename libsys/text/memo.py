"""A bounded memo of per-word results: catalogue text reuses a few thousand syllables."""

from collections.abc import Callable


class WordMemo(dict):
    """Dict that computes and keeps compute(word) on a miss; hits stay a plain C dict look-up."""

    def __init__(self, compute: Callable[[str], str], limit: int = 200_000):
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, word: str) -> str:
        if len(self) >= self._limit:
            self.clear()  # crude, but a full catalogue re-warms it in a fraction of a second
        value = self[word] = self._compute(word)
        return value
