"""Reader cards: the printable card sheet and one reader's card."""
