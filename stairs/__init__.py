"""Project-wide pure code below every app: the vocabulary of codes (`stairs.vocabulary`)."""
