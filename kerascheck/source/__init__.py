"""Reading what a user wrote: parsing any input without crashing or hanging (:mod:`.parsing`),
notebooks as cells (:mod:`.notebook`), ``# noqa`` comments (:mod:`.suppression`) and the
positions of the few nodes that have findings (:mod:`.positions`)."""
