"""The runtime side (TensorFlow is imported inside functions only): facts from a live model
(:mod:`.live_facts`), a user's model rebuilt from the linter's facts (:mod:`.rebuild`), and
``kerascheck prove`` (:mod:`.prove`). The toolkit the rules' own proofs use is
:mod:`kerascheck.proofkit`, below the rules."""
