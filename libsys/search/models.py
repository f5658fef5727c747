"""Tables of the PostgreSQL search backend (they exist, empty, on SQLite too)."""

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from libsys.extensions import db

# Lists (libraries, subjects) are arrays on PostgreSQL and JSON elsewhere.
TextList = JSON().with_variant(ARRAY(Text()), "postgresql")
TsVector = Text().with_variant(TSVECTOR(), "postgresql")


class SearchDocument(db.Model):
    """A record as the PostgreSQL backend searches it: folded and exact text, facets, sort keys.

    Derived data, rebuilt by `libsys reindex`; the catalogue tables stay the source of truth.
    """

    __tablename__ = "search_document"
    __table_args__ = (
        Index("ix_search_document_tsv_fold", "tsv_fold", postgresql_using="gin"),
        Index("ix_search_document_libraries", "libraries", postgresql_using="gin"),
        Index("ix_search_document_added", "added"),
        # Facet filters: combined with the words' GIN bitmap, or alone for the empty query.
        Index("ix_search_document_subjects", "subjects", postgresql_using="gin"),
        Index("ix_search_document_material_type", "material_type"),
        Index("ix_search_document_language", "language"),
        Index("ix_search_document_year_range", "year_range"),
        Index("ix_search_document_audience", "audience"),
        Index("ix_search_document_available", "available"),
    )

    record_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # Folded (no diacritics) and exact (diacritics kept) word tokens, space-separated.
    text_folded: Mapped[str] = mapped_column(Text, default="")
    text_exact: Mapped[str] = mapped_column(Text, default="")
    # Weighted lexemes: A title, B authors, C subjects, D the rest; "#..." identifiers.
    tsv_fold = mapped_column(TsVector)
    tsv_exact = mapped_column(TsVector)
    libraries = mapped_column(TextList)
    subjects = mapped_column(TextList)
    material_type: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(3))
    year: Mapped[int | None]
    year_range: Mapped[str | None] = mapped_column(String(20))
    audience: Mapped[str | None] = mapped_column(String(20))
    available: Mapped[bool] = mapped_column(default=False)
    added: Mapped[float] = mapped_column(default=0.0)
    title_sort: Mapped[str] = mapped_column(Text, default="")
    author_sort: Mapped[str] = mapped_column(Text, default="")
    stamp: Mapped[str] = mapped_column(String(40), default="")


class SearchTerm(db.Model):
    """A word of the index (folded or exact), for did-you-mean by trigram similarity."""

    __tablename__ = "search_term"

    exact: Mapped[bool] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(100), primary_key=True)
