"""Import of units and people from CSV and Excel files: preview first, then all or nothing."""
