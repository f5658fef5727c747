"""The reader's own account in the OPAC: loans, holds, renewals, history, password."""
