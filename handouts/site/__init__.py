"""Stage 5, site: the download page (page, languages) and a loopback server for it (serve).

Reads what the build wrote (OUT/manifest.json and the PDFs) and the folders the manifest
names; imports the earlier stages and the shared modules, never cli.
"""
