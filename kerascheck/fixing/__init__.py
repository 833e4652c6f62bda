"""Changing users' files: applying fixes and writing ``# noqa`` comments, atomically
(:mod:`.fixer`). What a fix *is* lives in :mod:`kerascheck.fixes`, below the rules that
describe them."""
