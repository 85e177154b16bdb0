"""The shared Qt shell: app start, theme, elder mode, the bridge from core threads to signals."""
