"""What the user asked for: ``[tool.kerascheck]`` read and validated (:mod:`.config`), and the
glob patterns its keys use (:mod:`.globs`)."""
