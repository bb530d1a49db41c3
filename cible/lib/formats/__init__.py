"""Cible's date formats (FORMAT_MODULE_PATH): one way to write a date per language, on every
page. Django's short formats (10/01/2026, ambiguous between languages and beside
"Oct. 1, 2026" on the next line) read as the long ones; the rest is Django's."""
