"""Step 4 of the build: bytes on disk, atomically."""
