"""Signal receivers of the approvals app."""
