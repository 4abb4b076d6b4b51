"""Step 2 of the build: the validated, immutable content model."""
