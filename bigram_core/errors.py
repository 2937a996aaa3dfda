"""The one exception type Bigram Lab raises for bad input: its message is a sentence for a person."""


class BigramError(ValueError):
    """Bad input (a word list, a word, a setting); str(error) is shown to the user as it is."""
