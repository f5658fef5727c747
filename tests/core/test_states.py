"""The state-table mechanism: moves as data, guards, events, named refusals."""

from types import SimpleNamespace

import pytest

from libsys.core.states import InvalidTransition, StateMachine, Transition


def _machine(recorded: list):
    def no_more_than_two(obj, context):
        if obj.count >= context.get("limit", 2):
            raise InvalidTransition(code="LIMIT")

    return StateMachine(
        "batch",
        [
            Transition("pack", "draft", "packed", event="batch_packed"),
            Transition("bump", "packed", "packed", guard=no_more_than_two),
            Transition("cancel", ("draft", "packed"), "cancelled", event="batch_cancelled"),
        ],
        record=lambda kind, **details: recorded.append((kind, details)) or kind,
    )


def test_a_move_writes_the_state_and_appends_its_event():
    recorded = []
    batch = SimpleNamespace(status="draft", count=0)
    assert _machine(recorded).trigger(batch, "pack", event={"library": "TVLC"}) == "batch_packed"
    assert batch.status == "packed"
    assert recorded == [("batch_packed", {"library": "TVLC"})]


def test_a_move_not_in_the_table_is_a_named_refusal_and_changes_nothing():
    recorded = []
    batch = SimpleNamespace(status="cancelled", count=0)
    with pytest.raises(InvalidTransition) as refused:
        _machine(recorded).trigger(batch, "pack")
    assert refused.value.code == "INVALID_TRANSITION"
    assert refused.value.status == 409
    assert refused.value.details == {"kind": "batch", "state": "cancelled", "trigger": "pack"}
    assert batch.status == "cancelled" and recorded == []


def test_the_guard_runs_before_anything_changes():
    recorded = []
    batch = SimpleNamespace(status="packed", count=2)
    applied = []
    with pytest.raises(InvalidTransition) as refused:
        _machine(recorded).trigger(batch, "bump", apply=applied.append)
    assert refused.value.code == "LIMIT" and applied == []
    batch.count = 1
    assert _machine(recorded).trigger(batch, "bump", apply=applied.append) is None
    assert applied == [batch] and recorded == []  # a move without an event logs nothing


def test_a_move_may_leave_several_states_and_the_table_lists_them():
    machine = _machine([])
    assert machine.triggers_from("packed") == ["bump", "cancel"]
    assert machine.can("draft", "cancel") and not machine.can("cancelled", "cancel")
    assert machine.states == {"draft", "packed", "cancelled"}


def test_two_moves_for_one_trigger_from_one_state_are_a_mistake_in_the_table():
    with pytest.raises(ValueError):
        StateMachine("x", [Transition("go", "a", "b"), Transition("go", ("a", "c"), "d")])
