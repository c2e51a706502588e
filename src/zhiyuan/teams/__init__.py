"""Teams: the corps tree 总队 → 支队 → 分队 (any depth), professional teams, memberships."""
