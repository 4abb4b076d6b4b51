"""Step 1 of the build: files on disk -> source documents, nothing interpreted yet."""
