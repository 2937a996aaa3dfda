"""Bigram Lab's model: the character-level bigram language model of makemore part 1, without any UI."""

from .counts import bigram_counts, bigram_examples, probabilities, probabilities_keepdim_bug, uniform
from .data import WordList, load_bundled, load_path, parse_bytes, parse_text
from .errors import BigramError
from .evaluate import Breakdown, breakdown, dataset_nll, score_words
from .neural import fit, init_weights, probs, train, walkthrough, word_step
from .sampling import SEED, sample
from .vocab import Vocabulary
