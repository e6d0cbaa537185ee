"""Words from one place set inside a sentence of another."""


def lower_first(text):
    """`text` to follow a colon or sit mid-sentence ("Consent given: to information being
    shared with NHS partners"): its first letter in lower case unless its first word is an
    abbreviation (DBS, GP), and every other letter as written, so NHS stays NHS."""
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and first_word.isupper():
        return text
    return text[:1].lower() + text[1:]
