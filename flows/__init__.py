"""Dialogue flows driven by data: the procedure catalog (catalog/*.yml) and the engine that walks it."""
