"""Reports hold no tables of their own: they aggregate the other apps' data."""
