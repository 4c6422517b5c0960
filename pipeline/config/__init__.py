"""Configuration as validated data: settings from the environment (``settings``), the taxonomy file
(``taxonomy_file``), what a configuration error says (``errors``) and the exit statuses every command
uses (``exit_status``).

May import ``domain`` (the taxonomy's model).
"""
