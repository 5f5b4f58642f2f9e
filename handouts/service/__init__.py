"""Stage 6, the edition service: the build and the catalog check behind web forms.

Outreach groups make their own edition and translators preview a catalog from a browser; the
pages call the same pipeline as the command line, through a job queue (jobs.py) whose embedded
default needs no server.
"""
