"""The observatory's store: the ``Store`` interface, its SQL implementation, and the tables."""

from observatory.store.database import STORES, SQLStore, Store, open_store

__all__ = ["STORES", "SQLStore", "Store", "open_store"]
