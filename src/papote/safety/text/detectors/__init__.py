"""Detectors for what word lists do not cover; each turns a message into features.

A feature is a name starting with ``$`` (``$phone``, ``$shortener``...) that rule
packs combine with concepts and context flags. Each detector has a cheap gate (a
regular expression or a character test) so that the library doing the real work
(phonenumbers, urlextract, tldextract) only runs on the few messages that need it.
"""
