"""What users read: the report formats (:mod:`.formats`) and the rule pages
(:mod:`.rule_docs`)."""
