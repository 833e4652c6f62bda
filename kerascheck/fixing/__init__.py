"""Changing users' files: applying fixes (:mod:`.fixer`) and writing ``# noqa`` comments
(:mod:`.noqa`), both through the one atomic writer (:mod:`.writer`). What a fix *is* lives in
:mod:`kerascheck.fixes`, below the rules that describe them."""
