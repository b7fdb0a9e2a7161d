"""Access: tokens, roles and the audit log."""
