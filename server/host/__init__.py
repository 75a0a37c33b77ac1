"""Running on the office PC: the HTTP server, which process does the background duties, the jobs, addresses."""
