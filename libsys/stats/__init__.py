"""Statistics: the event log, indicators, plan targets and exports."""
