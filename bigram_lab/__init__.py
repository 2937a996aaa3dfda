"""Bigram Lab as an installed program: the `bigram-lab` command, and `bigram-lab serve` for a class."""
