"""Appointments and the office calendar: booking, holidays, opening hours, results to collect."""
