"""SQL checks over what was loaded: the net under the generators, run after each phase."""
