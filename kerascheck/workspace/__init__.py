"""Many files at once: finding them (:mod:`.paths`), linting them on every core
(:mod:`.runner`), and remembering the results (:mod:`.cache`)."""
