"""The incidents map (issue 5, item 5; docs/decisions/0021-map.md): the list's filters and
scoping, drawn as clustered points, with the incidents that have no point listed by village."""
