"""States as a table of transitions (invenio-circulation's pattern), one mechanism for all.

A loan, a hold, a transfer, a copy and a rotation batch each move through named states.
Each kind declares its allowed moves as data, in one `StateMachine`:

    LOAN_STATES = StateMachine(
        "loan",
        [
            Transition("checkout", "new", "on_loan", event="checkout"),
            Transition("renew", "on_loan", "on_loan", event="renewal", guard=_guard_renew),
            ...
        ],
        record=record_event,
    )

and every change of state goes through `machine.trigger(obj, "renew", ...)`, which finds
the move from the object's present state, runs its guard, applies the caller's changes,
writes the new state and appends the move's event. A move the table does not allow raises
`InvalidTransition`, a named error the desk shows in Vietnamese. A transition may leave
from several states (`source` a tuple) and may have no event (a copy's status follows the
loan or the batch whose event already says what happened).

The machine never commits and never flushes: the state and the event reach the database
with the rest of the request's work (one commit per request).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from libsys.errors import Conflict


class InvalidTransition(Conflict):
    """A move the state table does not allow from the present state (409)."""

    code = "INVALID_TRANSITION"
    default_message = _l("This cannot be done in its present state.")


@dataclass(frozen=True)
class Transition:
    """One allowed move: trigger name, the state(s) it leaves, the state it reaches.

    `guard(obj, context)` raises (a named refusal) when the move may not happen now;
    `event` is the event-log kind appended when it does (None: the move logs nothing).
    """

    trigger: str
    source: str | tuple[str, ...]
    dest: str
    event: str | None = None
    guard: Callable | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        """The states this move leaves from."""
        return (self.source,) if isinstance(self.source, str) else self.source


class StateMachine:
    """The states of one kind of object and the moves allowed between them."""

    def __init__(
        self,
        name: str,
        transitions: Iterable[Transition],
        *,
        attribute: str = "status",
        record: Callable | None = None,
        refuse: Callable[[str, str], Exception] | None = None,
    ):
        """`record(kind, **details)` appends an event; `refuse(state, trigger)` builds the
        error for a move not in the table (default: InvalidTransition)."""
        self.name = name
        self.attribute = attribute
        self.transitions = tuple(transitions)
        self._record = record
        self._refuse = refuse
        self._moves: dict[tuple[str, str], Transition] = {}
        for move in self.transitions:
            for source in move.sources:
                key = (source, move.trigger)
                if key in self._moves:
                    raise ValueError(f"{name}: two moves for {move.trigger} from {source}")
                self._moves[key] = move

    @property
    def states(self) -> frozenset[str]:
        """Every state named in the table."""
        return frozenset(
            {source for move in self.transitions for source in move.sources}
            | {move.dest for move in self.transitions}
        )

    def triggers_from(self, state: str) -> list[str]:
        """The triggers allowed from a state, in table order (for buttons on a page)."""
        return [move.trigger for move in self.transitions if state in move.sources]

    def can(self, state: str, trigger: str) -> bool:
        """Whether the table allows this trigger from this state."""
        return (state, trigger) in self._moves

    def move_for(self, state: str, trigger: str) -> Transition:
        """The move for a trigger from a state, or the named refusal."""
        move = self._moves.get((state, trigger))
        if move is None:
            if self._refuse is not None:
                raise self._refuse(state, trigger)
            raise InvalidTransition(details={"kind": self.name, "state": state,
                                             "trigger": trigger})  # fmt: skip
        return move

    def trigger(
        self,
        obj,
        name: str,
        *,
        state: str | None = None,
        apply: Callable | None = None,
        event: dict | None = None,
        **context,
    ):
        """Move `obj` by the trigger `name`: guard, `apply(obj)`, new state, event.

        `state` names the state before the move when the caller knows it better than the
        object (a row just written by a guarded INSERT). `context` is handed to the guard;
        `event` holds the event's details (library, reader, item, ...). Returns the event
        written, or None.
        """
        before = state if state is not None else getattr(obj, self.attribute)
        move = self.move_for(before, name)
        if move.guard is not None:
            move.guard(obj, context)
        if apply is not None:
            apply(obj)
        if getattr(obj, self.attribute) != move.dest:  # an unchanged state needs no UPDATE
            setattr(obj, self.attribute, move.dest)
        if move.event is None or self._record is None:
            return None
        return self._record(move.event, **(event or {}))
