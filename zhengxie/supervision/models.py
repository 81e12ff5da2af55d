"""民主监督: the yearly supervision plan, its topics, groups, three phases and the "five haves"."""
