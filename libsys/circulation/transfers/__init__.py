"""Transfers of copies between libraries: requested, sent, received or cancelled."""
