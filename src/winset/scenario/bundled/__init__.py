"""The scenarios shipped with winset (YAML files; see ``winset scenarios``)."""
