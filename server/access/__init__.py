"""Access: logging in, staff sessions, security headers, creating the first admin."""
