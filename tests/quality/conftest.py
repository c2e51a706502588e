"""Quality gates' shared set-up: a compatibility shim between hypothesis and hypothesis-jsonschema.

hypothesis-jsonschema 0.23 (schemathesis 3.x's generator for JSON bodies) drives
`hypothesis.internal.conjecture.utils.many` through `.more()`; hypothesis 6.15x+ replaced that
with a context-manager iterator, so every object body fails with "'many' object has no
attribute 'more'". The shim gives it back `more()` built on the new class's own steps, until
the lead pins compatible versions (see the ops report).
"""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis.internal.conjecture import utils as cu


class _ManyWithMore(cu.many):
    def more(self) -> bool:
        if self._depth is None:
            self._depth = self.data.depth
        self._finish_element()
        if not self._decide():
            return False
        self.count += 1
        self._in_element = True
        self._rejected = False
        return True


if not hasattr(cu.many, "more"):
    import hypothesis_jsonschema._from_schema as from_schema

    from_schema.cu = SimpleNamespace(**{**vars(cu), "many": _ManyWithMore})
