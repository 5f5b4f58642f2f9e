"""Stage 4, build: documents made and checked (pipeline), the matrix on a process pool with a
content-addressed cache (matrix, cache), the translator's preview and the proof sheet.

Imports the earlier stages and the shared modules, never site or cli.
"""
