"""Configuration as validated data: settings from the environment (``settings``), the taxonomy file
(``taxonomy_file``), the English word lists and the classifier built from both (``lexicon_file``),
the YAML of both read into their models (``yaml_files``),
what a configuration error says (``errors``) and the exit statuses every command uses
(``exit_status``).

May import ``domain`` (the taxonomy's and the word lists' models, the classifier).
"""
