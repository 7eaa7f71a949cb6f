"""Stories and their copies: which stored story an entry belongs to, and what it carried.

A story is one row of ``mentions``, its face (the earliest published copy: ``dedupe.face_key``),
and the rows of ``story_copies``, every other entry that carried it. An entry belongs to a
stored story when it is the same page (this source's entry id, or the canonical URL, of the
face or of a copy), the same content (a fingerprint of the face or of a copy), or a
near-identical text (``dedupe.same_story`` against a face found through ``story_shingles``,
an index of prefix shingle keys: never a read of every mention). Swapping a face is
``ScansMixin``'s business; this module finds stories and records copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from brandwatch_cli.dedupe import SIMILARITY, prefix_keys, similarity
from brandwatch_cli.models import Item, StoryCopy
from brandwatch_cli.store.base import StoreBase, iso
from brandwatch_cli.store.filters import marks
from brandwatch_cli.store.values import blob_shingles, shingle_blob, url_domain

#: Stored faces compared with a new text, at most (those sharing the most prefix keys).
NEAR_CANDIDATES = 20
#: A prefix key held by more faces than this is a common phrase ("one of the", "il y a") or
#: boilerplate: it proposes no candidate, or every lookup would read thousands of stories
#: (a quadratic slope at a million mentions). Near-identical texts share many other keys.
HOT_KEY_FACES = 1000
#: The hot keys among some (``{}``: their placeholders, then HOT_KEY_FACES's).
HOT_KEYS = "SELECT key FROM story_shingles WHERE key IN ({}) GROUP BY key HAVING count(*) > ?"


@dataclass(frozen=True)
class NewCopy:
    """A later copy of a story in a source's batch: where else the story was published."""

    item: Item
    canonical_url: str | None
    fingerprint: str | None


@dataclass(frozen=True)
class StoredStory:
    """The stored story an entry belongs to; ``same_page`` when the entry is already in it
    (its entry id or canonical URL), so there is nothing to record."""

    id: int
    source: str
    published_at: str | None
    same_page: bool


class StoriesMixin(StoreBase):
    """Finding the story an entry belongs to, recording copies, listing them."""

    def find_story(
        self,
        source: str,
        entry_id: str,
        canonical_url: str | None,
        fingerprint: str | None,
        keys: frozenset[int],
    ) -> StoredStory | None:
        """The stored story the entry belongs to (see the module docstring), or None.

        Among near-identical faces, the most similar (then the oldest) wins. Only the
        ``NEAR_CANDIDATES`` faces sharing the most index keys are compared, and keys held
        by over ``HOT_KEY_FACES`` faces count for none: texts sharing boilerplate (a site's
        footer) or a common phrase share keys too, and must not make each lookup read every
        story of that site.
        """
        page = [source, entry_id, canonical_url]
        row = next(
            self._rows(
                """
                SELECT id, 1 AS same_page FROM mentions
                    WHERE (source = ? AND entry_id = ?) OR canonical_url = ?
                UNION ALL SELECT mention_id, 1 FROM story_copies
                    WHERE (source = ? AND entry_id = ?) OR canonical_url = ?
                UNION ALL SELECT id, 0 FROM mentions WHERE fingerprint = ?
                UNION ALL SELECT mention_id, 0 FROM story_copies WHERE fingerprint = ?
                ORDER BY same_page DESC LIMIT 1
                """,
                [*page, *page, fingerprint, fingerprint],
            ),
            None,
        )
        if row is not None:
            return self._story(row[0], same_page=bool(row[1]))
        prefix = prefix_keys(keys)
        if not prefix:
            return None
        rows = self._rows(
            f"""
            SELECT mention_id, shingles FROM story_signatures WHERE mention_id IN (
                SELECT mention_id FROM story_shingles WHERE key IN ({marks(prefix)})
                    AND key NOT IN ({HOT_KEYS.format(marks(prefix))})
                GROUP BY mention_id ORDER BY count(*) DESC, mention_id LIMIT ?
            )
            """,
            [*prefix, *prefix, HOT_KEY_FACES, NEAR_CANDIDATES],
        )
        scored = [(similarity(keys, blob_shingles(blob)), -id_) for id_, blob in rows]
        best = max((s for s in scored if s[0] >= SIMILARITY), default=None)
        return self._story(-best[1], same_page=False) if best else None

    def _story(self, mention_id: int, *, same_page: bool) -> StoredStory:
        source, published = next(
            self._rows("SELECT source, published_at FROM mentions WHERE id = ?", [mention_id])
        )
        return StoredStory(mention_id, source, published, same_page)

    def index_story(self, mention_id: int, keys: frozenset[int], *, replace: bool) -> None:
        """Make a face findable by near-identical texts (``replace``: instead of its former
        face). Call inside the batch's transaction."""
        if replace:
            self.db.execute("DELETE FROM story_shingles WHERE mention_id = ?", [mention_id])
            self.db.execute("DELETE FROM story_signatures WHERE mention_id = ?", [mention_id])
        if not keys:
            return
        self.db.execute(
            "INSERT INTO story_signatures (mention_id, shingles) VALUES (?, ?)",
            [mention_id, shingle_blob(keys)],
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO story_shingles (key, mention_id) VALUES (?, ?)",
            [(key, mention_id) for key in prefix_keys(keys)],
        )

    def add_copies(
        self, mention_id: int, source: str, copies: Sequence[NewCopy], fetched: str
    ) -> None:
        """Record entries as copies of a story, except one already there (the same page as
        its face or as another copy). Call inside the batch's transaction."""
        self.add_many_copies((mention_id, source, copy, fetched) for copy in copies)

    def add_many_copies(self, copies: Iterable[tuple[int, str, NewCopy, str]]) -> None:
        """``add_copies`` for (mention id, source, copy, fetched) of many stories, in order,
        in one statement."""
        self.db.conn.executemany(
            _RECORD_COPY,
            [
                _copy_params(
                    mention_id,
                    source,
                    copy.item.entry_id,
                    copy.item.url,
                    copy.canonical_url,
                    copy.fingerprint,
                    iso(copy.item.published_at),
                    fetched,
                )
                for mention_id, source, copy, fetched in copies
            ],
        )

    def record_copy(
        self,
        mention_id: int,
        source: str,
        entry_id: str,
        url: str | None,
        canonical_url: str | None,
        fingerprint: str | None,
        published_at: str | None,
        fetched_at: str,
    ) -> None:
        """One copy of a story, unless it is the same page as the story's face or a copy."""
        self.db.execute(
            _RECORD_COPY,
            _copy_params(
                mention_id,
                source,
                entry_id,
                url,
                canonical_url,
                fingerprint,
                published_at,
                fetched_at,
            ),
        )

    def copies_of(self, mention_id: int) -> list[StoryCopy]:
        """The other entries that carried a mention's story, earliest published first
        (undated last); empty for a story seen once, or an unknown id."""
        rows = self._rows(
            "SELECT source, url, domain, published_at FROM story_copies WHERE mention_id = ?"
            " ORDER BY published_at IS NULL, published_at, id",
            [mention_id],
        )
        return [StoryCopy(*row) for row in rows]


_RECORD_COPY = """
    INSERT INTO story_copies (mention_id, source, entry_id, url, canonical_url,
        fingerprint, domain, published_at, fetched_at)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?
    WHERE NOT EXISTS (SELECT 1 FROM mentions
        WHERE (source = ? AND entry_id = ?) OR canonical_url = ?)
    ON CONFLICT DO NOTHING
"""


def _copy_params(
    mention_id: int,
    source: str,
    entry_id: str,
    url: str | None,
    canonical_url: str | None,
    fingerprint: str | None,
    published_at: str | None,
    fetched_at: str,
) -> list[object]:
    return [
        mention_id,
        source,
        entry_id,
        url,
        canonical_url,
        fingerprint,
        url_domain(url),
        published_at,
        fetched_at,
        source,
        entry_id,
        canonical_url,
    ]
