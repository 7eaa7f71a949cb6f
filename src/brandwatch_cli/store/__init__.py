"""The mention database: the one part of brandwatch that holds SQL or talks to SQLite.

``MentionStore`` is one class made of a mixin per domain (as lemon24/reader's ``Storage``):

- ``base``: the connection, opening (and migrating) and closing, SQLite errors as StoreError;
- ``schema``: the numbered migrations, applied in order when a database is opened;
- ``scans``: what a scan writes (its log, new mentions, entries, each source's memory) and
  rescoring;
- ``batches``: a source's new stories decided set-wise and written at once;
- ``stories``: which stored story an entry belongs to, its copies;
- ``entries``: fetched entries kept for re-matching, keyword state and re-matching;
- ``retention``: pruning, the retention policy, vacuum and the database's statistics;
- ``workflow``: status marks, the digest log and its watermark, alerts sent;
- ``rules``: alert rules' matches, notifications and cooldowns;
- ``relevance``: relevance labels and scores, mutes, the noise bucket, the model's weights;
- ``triage``: a team's marks (status, assignee, tags, notes) and their history, the backlog;
- ``leases``: which sources are due, and which ``worker`` holds each one;
- ``aspects``: what mentions say of each aspect, per keyword (``aspecttables``: where;
  ``schema_aspect_summary``: their period summary);
- ``queries``: filtered listings, search, what to answer first, stored names, source health;
- ``themes``: samples of texts and exact phrase counts, for themes;
- ``stats``: aggregates over a period or over alert windows, sources in trouble;
- ``windows``: one keyword's mentions in a window (why a spike happened);
- ``copy``: every table of another database copied into this one (``db copy``).

Rows come out as plain dicts typed by ``models`` (``MentionRow``, ``SourceHealthRow``...);
what to select comes in as a ``models.MentionFilter``.
"""

from __future__ import annotations

from brandwatch_cli.store.aspects import AspectsMixin
from brandwatch_cli.store.base import iso
from brandwatch_cli.store.batches import NewMention
from brandwatch_cli.store.copy import CopyMixin, TableCopy
from brandwatch_cli.store.entries import EntriesMixin, RematchPlan, StoredEntry, StoredMention
from brandwatch_cli.store.filters import UNHANDLED, searchable_words, tag_key
from brandwatch_cli.store.leases import LeasesMixin
from brandwatch_cli.store.queries import QueriesMixin
from brandwatch_cli.store.readers import Readers
from brandwatch_cli.store.retention import DatabaseStats, Pruned, Reclaimed, RetentionMixin
from brandwatch_cli.store.rules import RulesMixin
from brandwatch_cli.store.scans import SourceMemory, SourceState
from brandwatch_cli.store.stats import PeriodView, StatsMixin
from brandwatch_cli.store.stories import NewCopy
from brandwatch_cli.store.themes import KeywordMentions, PhraseTally, ThemesMixin
from brandwatch_cli.store.triage import TriageMixin
from brandwatch_cli.store.windows import SampledText, WindowsMixin
from brandwatch_cli.store.workflow import WorkflowMixin

__all__ = [
    "UNHANDLED",
    "DatabaseStats",
    "KeywordMentions",
    "MentionStore",
    "NewCopy",
    "NewMention",
    "PeriodView",
    "PhraseTally",
    "Pruned",
    "Readers",
    "Reclaimed",
    "RematchPlan",
    "SampledText",
    "SourceMemory",
    "SourceState",
    "StoredEntry",
    "StoredMention",
    "TableCopy",
    "iso",
    "searchable_words",
    "tag_key",
]


class MentionStore(
    ThemesMixin,
    EntriesMixin,
    WorkflowMixin,
    TriageMixin,
    RulesMixin,
    AspectsMixin,
    WindowsMixin,
    QueriesMixin,
    StatsMixin,
    RetentionMixin,
    LeasesMixin,
    CopyMixin,
):
    """An open mention database. ``MentionStore.open(path)``; use as a context manager, or
    call ``close``."""
