"""Bookings API: rooms booked by the hour, with a contract that came before the code."""
