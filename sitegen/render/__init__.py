"""Step 3 of the build: `Site` -> `Output`s (path and bytes). Pure: nothing touches the disk."""
