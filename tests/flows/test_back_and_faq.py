"""'quay lại' goes one step back while a dossier is collected (and keeps the earlier answers
until new ones come); a question the catalog's `faq` answers is answered at any step."""

from __future__ import annotations

from flows.state import BACK_DEPTH, State, Step, position, remember, step_back


def test_remember_and_step_back_walk_the_history():
    first = State(step=Step.FIELD, procedure="khai_sinh", field=0, fields={})
    second = first.copy()
    second.field, second.fields = 1, {"child_name": "NGUYỄN AN"}
    remember(first.to_dict(), second)
    third = second.copy()
    third.field = 2
    remember(second.to_dict(), third)
    back = step_back(third)
    assert back is not None and back.field == 1 and back.fields == {"child_name": "NGUYỄN AN"}
    again = step_back(back)
    assert again is not None and again.field == 0 and again.back is None
    assert step_back(again) is None


def test_history_is_bounded_and_not_nested():
    state = State(step=Step.FIELD, procedure="khai_sinh", field=0)
    for i in range(1, BACK_DEPTH + 4):
        nxt = state.copy()
        nxt.field = i
        remember(state.to_dict(), nxt)
        state = nxt
    assert state.back is not None and len(state.back) == BACK_DEPTH
    assert all("back" not in snap for snap in state.back)
    assert position(State.from_dict(state.back[-1])) != position(state)
