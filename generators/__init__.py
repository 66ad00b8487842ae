"""The six generation phases and the small core they share."""
