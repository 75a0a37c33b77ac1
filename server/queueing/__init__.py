"""The queue: issuing, calling and finishing tickets, reading the lines, admission, printing a ticket, reports."""
