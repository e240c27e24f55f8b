"""Operations: backing up and restoring a registry, and moving it between databases."""
